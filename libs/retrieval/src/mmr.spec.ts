import { mmrSelect, simDedup, type DiversityCandidate } from './mmr';
import { DEFAULT_SCORING, relativity, saturateBm25, termCoverage } from './scoring';
import { combinedTextSimilarity } from './text-similarity';

const v = (...xs: number[]) => Float32Array.from(xs);
const c = (id: string, text: string, relevance: number, vector: Float32Array, bucket = 'text'): DiversityCandidate => ({ id, text, relevance, vector, bucket });

describe('MemOS MMR', () => {
  it('drops exact-text duplicates and near-duplicates, keeps diverse items', () => {
    const cands = [
      c('a', 'The user lives in Lisbon.', 0.95, v(1, 0, 0)),
      c('b', 'The user lives in Lisbon.', 0.94, v(1, 0, 0)),
      c('c', 'The user lives in Lisbon!', 0.93, v(0.999, 0.01, 0)),
      c('d', 'The user owns a dog named Biscuit.', 0.6, v(0, 1, 0)),
      c('e', 'The user works as a nurse.', 0.5, v(0, 0, 1)),
    ];
    const picked = mmrSelect(cands, new Map([['text', 3]]));
    expect(picked.map((p) => p.id)).toEqual(['a', 'd', 'e']);
  });

  it('penalises redundancy: after the relevance-first preselect, a different item beats a near copy', () => {
    const cands = [
      c('a', 'alpha one', 0.9, v(1, 0, 0)),
      c('a2', 'gamma', 0.89, v(0, 0, 1)),
      c('b', 'alpha two different words', 0.88, v(0.95, Math.sqrt(1 - 0.95 ** 2), 0)),
      c('c', 'beta', 0.8, v(0, 1, 0)),
    ];
    const picked = mmrSelect(cands, new Map([['text', 3]]));
    expect(picked.map((p) => p.id)).toEqual(['a', 'a2', 'c']);
  });

  it('respects per-bucket quotas and re-sorts each bucket by relevance', () => {
    const cands = [
      c('t1', 'one', 0.9, v(1, 0, 0), 'text'),
      c('t2', 'two', 0.5, v(0, 1, 0), 'text'),
      c('t3', 'three', 0.7, v(0, 0, 1), 'text'),
      c('p1', 'pref', 0.3, v(1, 1, 0), 'pref'),
    ];
    const picked = mmrSelect(cands, new Map([['text', 2], ['pref', 1]]));
    expect(picked.filter((p) => p.bucket === 'text').map((p) => p.id)).toEqual(['t1', 't3']);
    expect(picked.filter((p) => p.bucket === 'pref').map((p) => p.id)).toEqual(['p1']);
  });

  it('sim dedup keeps items whose cosine to every accepted one is at most 0.92', () => {
    const cands = [c('a', 'a', 0.9, v(1, 0)), c('b', 'b', 0.8, v(0.99, 0.14)), c('c', 'c', 0.7, v(0, 1))];
    expect(simDedup(cands, new Map([['text', 3]])).map((x) => x.id)).toEqual(['a', 'c']);
  });

  it('text similarity is 1 for identical and low for unrelated texts', () => {
    expect(combinedTextSimilarity('hello world', 'hello world')).toBeCloseTo(1, 5);
    expect(combinedTextSimilarity('hello world', 'xyz qqq')).toBeLessThan(0.2);
  });
});

describe('score fusion', () => {
  const f = { cosine: 0, coverage: 0, entities: 0, bm25: 0, sameSession: 0 };
  it('is in (0, 1) and monotone in every feature', () => {
    const base = relativity({ ...f, cosine: 0.3 });
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThan(1);
    for (const k of ['cosine', 'coverage', 'entities', 'bm25', 'sameSession'] as const) {
      expect(relativity({ ...f, cosine: 0.3, [k]: k === 'cosine' ? 0.6 : 1 })).toBeGreaterThan(base);
    }
  });
  it('does not depend on which path recalled the memory (same features, same score)', () => {
    expect(relativity({ ...f, cosine: 0.5, coverage: 0.5 })).toBe(relativity({ ...f, cosine: 0.5, coverage: 0.5 }));
  });
  it('unrelated text stays under the default 0.45 threshold; a strong match is above it', () => {
    expect(relativity({ ...f, cosine: 0.05 }, DEFAULT_SCORING)).toBeLessThan(0.45);
    expect(relativity({ ...f, cosine: 0.6, coverage: 1 }, DEFAULT_SCORING)).toBeGreaterThan(0.9);
  });
  it('helpers', () => {
    expect(saturateBm25(0, 8)).toBe(0);
    expect(saturateBm25(8, 8)).toBe(0.5);
    expect(termCoverage(['a', 'b', 'b'], new Set(['a']))).toBe(0.5);
    expect(termCoverage([], new Set(['a']))).toBe(0);
  });
});
