import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from '@engram/ports';
import { type ModelManifest, readManifest } from './model-files';
import { OrtWorkerSession } from './onnx-worker';
import { l2NormalizeInPlace } from './vector';
import { loadWordPieceTokenizer, type WordPieceTokenizer } from './wordpiece-tokenizer';

export interface OnnxEmbedderOptions {
  /** Folder with model.onnx, tokenizer.json or vocab.txt, and optionally engram-model.json. */
  modelDir: string;
  /** ONNX Runtime intra-op threads; default min(2, cores - 1), leaving a core for the event loop. */
  intraOpThreads?: number;
  /** Texts per inference call; bounds memory (batch x maxLength x hidden floats). Default 32. */
  batchSize?: number;
  /** Override the manifest's token limit (including [CLS]/[SEP]). */
  maxLength?: number;
}

/** Local sentence embeddings: BERT WordPiece tokenisation, ONNX Runtime forward pass, masked mean pooling. */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly maxLength: number;
  private readonly batchSize: number;

  private constructor(
    private readonly session: OrtWorkerSession,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly manifest: ModelManifest,
    private readonly outputName: string,
    opts: OnnxEmbedderOptions,
  ) {
    this.dimension = manifest.dimension;
    this.id = `onnx:${manifest.name}:${manifest.dimension}`;
    this.maxLength = opts.maxLength ?? manifest.maxLength;
    this.batchSize = Math.max(1, opts.batchSize ?? 32);
  }

  static async create(opts: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const manifest = readManifest(opts.modelDir);
    const tokenizer = loadWordPieceTokenizer(opts.modelDir);
    const session = await OrtWorkerSession.open(join(opts.modelDir, 'model.onnx'), {
      intraOpNumThreads: opts.intraOpThreads ?? Math.max(1, Math.min(2, cpus().length - 1)),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    });
    const preferred = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'];
    const outputName = preferred.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
    const embedder = new OnnxEmbedder(session, tokenizer, manifest, outputName, opts);
    // Fail at start-up, not on the first query, when the graph and the manifest disagree.
    const [probe] = await embedder.embed(['dimension probe'], 'document');
    if (probe.length !== manifest.dimension) {
      await session.close();
      throw new Error(
        `${opts.modelDir}: model outputs ${probe.length} dims, manifest says ${manifest.dimension}`,
      );
    }
    return embedder;
  }

  async embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.manifest.queryPrefix : this.manifest.documentPrefix;
    const encoded = texts.map((t) => this.tokenizer.encode(prefix + t, this.maxLength).ids);
    // Batch texts of similar length together so little compute is spent on padding.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
    const out = new Array<Float32Array>(texts.length);
    for (let s = 0; s < order.length; s += this.batchSize) {
      const idx = order.slice(s, s + this.batchSize);
      const vectors = await this.runBatch(idx.map((i) => encoded[i]));
      idx.forEach((i, j) => (out[i] = vectors[j]));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  private async runBatch(batch: number[][]): Promise<Float32Array[]> {
    const b = batch.length;
    const t = Math.max(...batch.map((ids) => ids.length));
    const ids = new BigInt64Array(b * t).fill(BigInt(this.tokenizer.padId));
    const mask = new BigInt64Array(b * t);
    batch.forEach((seq, r) =>
      seq.forEach((id, c) => {
        ids[r * t + c] = BigInt(id);
        mask[r * t + c] = 1n;
      }),
    );
    const inputs: Record<string, BigInt64Array> = { input_ids: ids, attention_mask: mask };
    if (this.session.inputNames.includes('token_type_ids')) inputs.token_type_ids = new BigInt64Array(b * t);
    const { data, dims } = await this.session.run(inputs, b, t, this.outputName);
    const vectors = dims.length === 2 ? this.rows(data, b, dims[1]) : this.pool(data, batch, t, dims[2]);
    return this.manifest.normalize ? vectors.map(l2NormalizeInPlace) : vectors;
  }

  /** Already-pooled output ([batch, hidden]). */
  private rows(data: Float32Array, b: number, h: number): Float32Array[] {
    return Array.from({ length: b }, (_, r) => data.slice(r * h, (r + 1) * h));
  }

  /** Token output ([batch, seq, hidden]) pooled over real tokens only (padding excluded). */
  private pool(data: Float32Array, batch: number[][], t: number, h: number): Float32Array[] {
    return batch.map((seq, r) => {
      const v = new Float32Array(h);
      const base = r * t * h;
      if (this.manifest.pooling === 'cls') return v.map((_, k) => data[base + k]);
      for (let c = 0; c < seq.length; c++) {
        const off = base + c * h;
        for (let k = 0; k < h; k++) v[k] += data[off + k];
      }
      for (let k = 0; k < h; k++) v[k] /= seq.length;
      return v;
    });
  }
}
