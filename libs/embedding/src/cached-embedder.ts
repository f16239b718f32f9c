import type { Embedder } from '@engram/ports';

export interface CachedEmbedderOptions {
  /** Most recently used entries kept; default 1024 (≈1.5 MB at 384 dims). */
  maxEntries?: number;
  /** Kinds that are cached; default only 'query' (queries repeat, documents are embedded once). */
  kinds?: ReadonlyArray<'query' | 'document'>;
}

/** LRU cache in front of an Embedder. Same id and dimension as the inner embedder. */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly cache = new Map<string, Float32Array>();
  private readonly maxEntries: number;
  private readonly kinds: ReadonlySet<'query' | 'document'>;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly inner: Embedder,
    opts: CachedEmbedderOptions = {},
  ) {
    this.id = inner.id;
    this.dimension = inner.dimension;
    this.maxEntries = Math.max(1, opts.maxEntries ?? 1024);
    this.kinds = new Set(opts.kinds ?? ['query']);
  }

  async embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    if (!this.kinds.has(kind)) return this.inner.embed(texts, kind);
    const out = new Array<Float32Array>(texts.length);
    const missing = new Map<string, number>(); // text -> position in the inner call (dedupes repeats)
    texts.forEach((t, i) => {
      const hit = this.cache.get(key(kind, t));
      if (hit) {
        this.cache.delete(key(kind, t)); // re-insert to mark as most recently used
        this.cache.set(key(kind, t), hit);
        out[i] = hit.slice();
        this.hits++;
      } else if (!missing.has(t)) missing.set(t, missing.size);
    });
    if (missing.size > 0) {
      this.misses += missing.size;
      const vectors = await this.inner.embed([...missing.keys()], kind);
      for (const [t, j] of missing) this.put(key(kind, t), vectors[j]);
      texts.forEach((t, i) => (out[i] ??= vectors[missing.get(t) as number].slice()));
    }
    return out;
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.cache.size };
  }

  async close(): Promise<void> {
    this.cache.clear();
    await this.inner.close?.();
  }

  private put(k: string, v: Float32Array): void {
    this.cache.set(k, v);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
  }
}

const key = (kind: string, text: string) => `${kind}\u0000${text}`;
