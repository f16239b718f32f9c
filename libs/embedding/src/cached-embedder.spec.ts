import type { Embedder } from '@engram/ports';
import { describeEmbedderConformance } from '@engram/testing';
import { CachedEmbedder } from './cached-embedder';
import { HashingEmbedder } from './hashing-embedder';

/** Counts what reaches the inner embedder. */
class CountingEmbedder implements Embedder {
  readonly id = 'counting';
  readonly dimension = 32;
  readonly calls: string[][] = [];
  private readonly inner = new HashingEmbedder({ dimension: 32 });
  async embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    return this.inner.embed(texts, kind);
  }
}

describeEmbedderConformance('cached(hashing)', async () => new CachedEmbedder(new HashingEmbedder()));

describe('CachedEmbedder', () => {
  it('serves repeated queries from the cache and only asks for misses (deduplicated)', async () => {
    const inner = new CountingEmbedder();
    const c = new CachedEmbedder(inner);
    const [a] = await c.embed(['alpha'], 'query');
    const [a2, b, b2] = await c.embed(['alpha', 'beta', 'beta'], 'query');
    expect(inner.calls).toEqual([['alpha'], ['beta']]);
    expect(Array.from(a2)).toEqual(Array.from(a));
    expect(Array.from(b2)).toEqual(Array.from(b));
    expect(c.stats()).toEqual({ hits: 1, misses: 2, size: 2 });
    expect(c.id).toBe('counting');
  });

  it('does not cache documents by default', async () => {
    const inner = new CountingEmbedder();
    const c = new CachedEmbedder(inner);
    await c.embed(['doc'], 'document');
    await c.embed(['doc'], 'document');
    expect(inner.calls).toHaveLength(2);
  });

  it('evicts the least recently used entry', async () => {
    const inner = new CountingEmbedder();
    const c = new CachedEmbedder(inner, { maxEntries: 2 });
    await c.embed(['a'], 'query');
    await c.embed(['b'], 'query');
    await c.embed(['a'], 'query'); // a is now most recent
    await c.embed(['c'], 'query'); // evicts b
    await c.embed(['a'], 'query');
    await c.embed(['b'], 'query');
    expect(inner.calls).toEqual([['a'], ['b'], ['c'], ['b']]);
  });

  it('returns copies, so callers cannot corrupt the cache', async () => {
    const c = new CachedEmbedder(new CountingEmbedder());
    const [v] = await c.embed(['x'], 'query');
    v.fill(0);
    const [again] = await c.embed(['x'], 'query');
    expect(again.some((x) => x !== 0)).toBe(true);
  });
});
