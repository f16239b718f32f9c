import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Name of the model scripts/install-model.mjs installs; also the folder name under .cache/models. */
export const DEFAULT_MODEL_NAME = 'all-MiniLM-L6-v2-int8';
export const MODEL_DIR_ENV = 'ENGRAM_EMBEDDING_MODEL_DIR';

/** engram-model.json, written by the installer; tells the embedder how to tokenise and pool. */
export interface ModelManifest {
  name: string;
  dimension: number;
  maxLength: number;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  queryPrefix: string;
  documentPrefix: string;
}

/** ENGRAM_EMBEDDING_MODEL_DIR, else <repo>/.cache/models/<default model> (repo found from cwd or this file). */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[MODEL_DIR_ENV];
  if (override) return resolve(override);
  const root = findRepoRoot(process.cwd()) ?? findRepoRoot(__dirname) ?? process.cwd();
  return join(root, '.cache', 'models', DEFAULT_MODEL_NAME);
}

function findRepoRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Which required files are missing: the ONNX graph and a vocabulary (tokenizer.json or vocab.txt). */
export function missingModelFiles(dir: string): string[] {
  const missing: string[] = [];
  if (!existsSync(join(dir, 'model.onnx'))) missing.push('model.onnx');
  if (!existsSync(join(dir, 'tokenizer.json')) && !existsSync(join(dir, 'vocab.txt')))
    missing.push('tokenizer.json|vocab.txt');
  return missing;
}

interface ConfigJson {
  hidden_size?: number;
  max_position_embeddings?: number;
}

/** Reads engram-model.json, filling gaps from config.json so a hand-placed BERT export also works. */
export function readManifest(dir: string): ModelManifest {
  const read = <T>(file: string): Partial<T> => {
    const path = join(dir, file);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<T>) : {};
  };
  const m = read<ModelManifest>('engram-model.json');
  const cfg = read<ConfigJson>('config.json');
  const dimension = m.dimension ?? cfg.hidden_size;
  if (!dimension)
    throw new Error(`${dir}: neither engram-model.json nor config.json gives the embedding dimension`);
  return {
    name: m.name ?? dir.split(/[\\/]/).filter(Boolean).pop() ?? 'onnx-model',
    dimension,
    maxLength: m.maxLength ?? Math.min(cfg.max_position_embeddings ?? 512, 512),
    pooling: m.pooling ?? 'mean',
    normalize: m.normalize ?? true,
    queryPrefix: m.queryPrefix ?? '',
    documentPrefix: m.documentPrefix ?? '',
  };
}
