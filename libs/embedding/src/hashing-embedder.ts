import type { Embedder } from '@engram/ports';
import { l2NormalizeInPlace } from './vector';

export interface HashingEmbedderOptions {
  /** Output dimension; default 384 so it can stand in for MiniLM in the same index layout. */
  dimension?: number;
  /** Character n-gram length for non-CJK words (catches inflections and typos); default 3. */
  charNgram?: number;
}

// Han, Hiragana, Katakana and Hangul have no spaces between words, so they get char uni/bigrams.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * Deterministic feature-hashing embedder: words, char n-grams and CJK uni/bigrams hashed with a sign
 * into a fixed-size vector. Lexical, not semantic: for tests and as the loud fallback without a model.
 */
export class HashingEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly n: number;

  constructor(opts: HashingEmbedderOptions = {}) {
    this.dimension = opts.dimension ?? 384;
    this.n = opts.charNgram ?? 3;
    if (!Number.isInteger(this.dimension) || this.dimension < 8)
      throw new Error(`hashing dimension must be an integer >= 8`);
    this.id = `hashing:v1:n${this.n}:${this.dimension}`;
  }

  async embed(texts: string[], _kind: 'query' | 'document'): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    const features = this.features(text);
    // A fixed feature keeps empty text a unit vector like every other output.
    if (features.length === 0) features.push(['\u0000empty', 1]);
    for (const [f, w] of features) {
      const h = fnv1a(f);
      v[h % this.dimension] += (mix(h) & 1 ? 1 : -1) * w;
    }
    return l2NormalizeInPlace(v);
  }

  /** (feature, weight) pairs; exposed for debugging why two texts match. */
  features(text: string): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    let word = '';
    let prevCjk = '';
    const flushWord = () => {
      if (!word) return;
      out.push([`w:${word}`, 1]);
      const padded = `<${word}>`;
      const chars = Array.from(padded);
      if (chars.length > this.n + 1)
        for (let i = 0; i + this.n <= chars.length; i++)
          out.push([`g:${chars.slice(i, i + this.n).join('')}`, 0.5]);
      word = '';
    };
    for (const ch of text.normalize('NFKC').toLowerCase()) {
      if (CJK.test(ch)) {
        flushWord();
        out.push([`c:${ch}`, 0.5]);
        if (prevCjk) out.push([`b:${prevCjk}${ch}`, 1]);
        prevCjk = ch;
      } else if (WORD_CHAR.test(ch)) {
        prevCjk = '';
        word += ch;
      } else {
        prevCjk = '';
        flushWord();
      }
    }
    flushWord();
    return out;
  }
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3 finaliser: decorrelates the sign bit from the bucket index. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
