import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { STOPWORDS } from './stopwords';

// Runs of CJK script: these have no spaces between words, so jieba segments them. Everything else
// is split on non-letters/digits, roughly what FTS5's unicode61 tokenizer does itself.
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/u;
const HAS_WORD = /[\p{L}\p{N}]/u;

let jieba: Jieba | undefined;
// Loading the dictionary takes ~200 ms, so only once, and only when CJK text shows up.
const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

/** Lowercased word tokens; CJK runs segmented into words by jieba. */
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

/** Text as stored in the FTS5 column: tokens separated by spaces, so unicode61 sees jieba's words. */
export const indexText = (text: string): string => tokenize(text).join(' ');

/**
 * A safe FTS5 MATCH expression: every distinct non-stopword token quoted (so user text can never be
 * read as FTS syntax) and OR-ed (BM25 ranks docs matching more terms higher). Null when nothing is left.
 */
export function matchExpression(query: string): string | null {
  const terms = [...new Set(tokenize(query))].filter((t) => !STOPWORDS.has(t));
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}
