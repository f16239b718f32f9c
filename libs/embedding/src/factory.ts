import type { Embedder } from '@engram/ports';
import { CachedEmbedder } from './cached-embedder';
import { HashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder';
import { defaultModelDir, missingModelFiles } from './model-files';
import { OnnxEmbedder, type OnnxEmbedderOptions } from './onnx-embedder';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder';

export type EmbedderProvider = 'onnx' | 'openai' | 'hashing';

export interface EmbedderConfig {
  provider: EmbedderProvider;
  /** ONNX model folder; default ENGRAM_EMBEDDING_MODEL_DIR or <repo>/.cache/models/all-MiniLM-L6-v2-int8. */
  modelDir?: string;
  onnx?: Omit<OnnxEmbedderOptions, 'modelDir'>;
  openai?: OpenAiEmbedderOptions;
  hashing?: HashingEmbedderOptions;
  /** Wrap in an LRU query cache of this many entries; 0 or absent means no cache. */
  queryCacheSize?: number;
}

/** Minimal logger; console and Nest's Logger both fit. */
export interface EmbedderLogger {
  warn(message: string): void;
  log?(message: string): void;
}

/** Builds exactly the configured embedder; errors (missing model, bad config) propagate. */
export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  const inner = await createInner(config);
  return config.queryCacheSize ? new CachedEmbedder(inner, { maxEntries: config.queryCacheSize }) : inner;
}

async function createInner(config: EmbedderConfig): Promise<Embedder> {
  switch (config.provider) {
    case 'onnx': {
      const modelDir = config.modelDir ?? defaultModelDir();
      const missing = missingModelFiles(modelDir);
      if (missing.length > 0)
        throw new Error(
          `ONNX embedding model incomplete in ${modelDir} (missing ${missing.join(', ')}); run \`node scripts/install-model.mjs\``,
        );
      return OnnxEmbedder.create({ ...config.onnx, modelDir });
    }
    case 'openai':
      if (!config.openai)
        throw new Error("provider 'openai' needs the openai options (baseUrl, model, dimensions)");
      return new OpenAiEmbedder(config.openai);
    case 'hashing':
      return new HashingEmbedder(config.hashing);
    default:
      throw new Error(`unknown embedder provider: ${String((config as { provider: unknown }).provider)}`);
  }
}

export interface ResolveDefaultEmbedderOptions {
  modelDir?: string;
  log?: EmbedderLogger;
  onnx?: Omit<OnnxEmbedderOptions, 'modelDir'>;
  /** LRU query cache entries for the ONNX embedder; default 1024, 0 disables. */
  queryCacheSize?: number;
}

export const DEGRADED_WARNING = 'semantic search quality is degraded: run `node scripts/install-model.mjs`';

/** The local ONNX model when installed and loadable, else a HashingEmbedder after a loud warning. */
export async function resolveDefaultEmbedder(opts: ResolveDefaultEmbedderOptions = {}): Promise<Embedder> {
  const log = opts.log ?? console;
  const modelDir = opts.modelDir ?? defaultModelDir();
  const missing = missingModelFiles(modelDir);
  let reason = `no embedding model in ${modelDir} (missing ${missing.join(', ')})`;
  if (missing.length === 0) {
    try {
      const onnx = await OnnxEmbedder.create({ ...opts.onnx, modelDir });
      log.log?.(`embedder: ${onnx.id} from ${modelDir}`);
      const cache = opts.queryCacheSize ?? 1024;
      return cache > 0 ? new CachedEmbedder(onnx, { maxEntries: cache }) : onnx;
    } catch (err) {
      reason = `embedding model in ${modelDir} failed to load: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const fallback = new HashingEmbedder();
  const bar = '!'.repeat(72);
  log.warn(
    `\n${bar}\nWARNING: ${reason}.\nFalling back to the lexical ${fallback.id} embedder: ${DEGRADED_WARNING}\n${bar}`,
  );
  return fallback;
}
