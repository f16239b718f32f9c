import { STOP_WORDS } from './stopwords';

/** Lower-cased alphanumeric tokens without stop words. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0 && !STOP_WORDS.has(t));
}

export interface Bm25Options {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Options = { k1: 1.2, b: 0.75 };

export interface Bm25Hit {
  index: number;
  score: number;
}

/**
 * Okapi BM25 with the non-negative idf ln(1 + (N - n + 0.5)/(n + 0.5)), so very common terms
 * never push a document below one that lacks them.
 */
export class Bm25Index {
  private readonly termFreqs: Map<string, number>[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  private readonly idf = new Map<string, number>();

  constructor(docs: readonly string[], private readonly opts: Bm25Options = DEFAULT_BM25) {
    this.termFreqs = docs.map((d) => {
      const tf = new Map<string, number>();
      for (const t of tokenize(d)) tf.set(t, (tf.get(t) ?? 0) + 1);
      return tf;
    });
    this.lengths = this.termFreqs.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
    const df = new Map<string, number>();
    for (const tf of this.termFreqs) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const n = docs.length;
    for (const [t, f] of df) this.idf.set(t, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  }

  score(query: string): number[] {
    const terms = tokenize(query);
    const { k1, b } = this.opts;
    return this.termFreqs.map((tf, i) => {
      const norm = k1 * (1 - b + (b * (this.lengths[i] as number)) / (this.avgLength || 1));
      let s = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (f) s += (this.idf.get(t) as number) * ((f * (k1 + 1)) / (f + norm));
      }
      return s;
    });
  }

  /** Top k documents, ties broken by document order so runs repeat exactly. */
  search(query: string, k: number): Bm25Hit[] {
    return this.score(query)
      .map((score, index) => ({ index, score }))
      .sort((x, y) => y.score - x.score || x.index - y.index)
      .slice(0, k);
  }
}
