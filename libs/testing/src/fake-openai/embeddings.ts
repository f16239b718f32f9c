import { createHash } from 'node:crypto';

/**
 * Deterministic unit vector: hashed bag of words, so texts sharing words are closer. Stands in for
 * a real embedding endpoint; quality is irrelevant, stability is the point.
 */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const t of tokens) {
    const h = createHash('sha256').update(t).digest();
    const i = h.readUInt32BE(0) % dimension;
    v[i]! += h[4]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v);
  // Hashed words can cancel out; fall back to a fixed unit vector rather than zeros.
  return norm === 0 ? v.map(() => 1 / Math.sqrt(dimension)) : v.map((x) => x / norm);
}
