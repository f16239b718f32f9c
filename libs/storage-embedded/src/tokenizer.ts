import { queryTerms, tokenize } from '@engram/text-analysis';

export { tokenize };

/** Text as stored in the FTS5 column: tokens separated by spaces, so unicode61 sees jieba's words. */
export const indexText = (text: string): string => tokenize(text).join(' ');

/**
 * A safe FTS5 MATCH expression: every distinct non-stopword token quoted (so user text can never be
 * read as FTS syntax) and OR-ed (BM25 ranks docs matching more terms higher). Null when nothing is left.
 * `keep` can drop terms, unless it would drop them all.
 */
export function matchExpression(query: string, keep: (term: string) => boolean = () => true): string | null {
  const all = queryTerms(query);
  if (all.length === 0) return null;
  const kept = all.filter(keep);
  return (kept.length ? kept : all).map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}
