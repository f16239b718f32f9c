import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { STOPWORDS } from './stopwords';

// Runs of CJK script: these have no spaces between words, so jieba segments them. Everything else
// is split on non-letters/digits, roughly what SQLite FTS5's unicode61 tokenizer does itself.
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/u;
const HAS_WORD = /[\p{L}\p{N}]/u;

let jieba: Jieba | undefined;
// Loading the dictionary takes ~200 ms, so only once, and only when CJK text shows up.
const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

/**
 * Lowercased (NFKC) word tokens; CJK runs segmented into words by jieba. Every lexical index uses
 * this one function on both the indexed text and the query, so the embedded (FTS5) and the cluster
 * (OpenSearch) BM25 see the same terms.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const plain = (s: string) => {
    for (const t of s.split(NON_WORD)) if (t) tokens.push(t);
  };
  const norm = text.normalize('NFKC').toLowerCase();
  let last = 0;
  for (const m of norm.matchAll(CJK_RUN)) {
    plain(norm.slice(last, m.index));
    for (const t of segmenter().cut(m[0], false)) if (HAS_WORD.test(t)) tokens.push(t);
    last = m.index + m[0].length;
  }
  plain(norm.slice(last));
  return tokens;
}

/** The distinct non-stopword tokens of a query, in first-seen order (empty when nothing is left). */
export const queryTerms = (query: string): string[] =>
  [...new Set(tokenize(query))].filter((t) => !STOPWORDS.has(t));
