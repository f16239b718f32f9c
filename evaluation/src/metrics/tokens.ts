import { getEncoding, type Tiktoken } from 'js-tiktoken';

/** Returned-text size is reported in cl100k_base tokens (what MemOS and Mem0 report). */
export const TOKENIZER = 'cl100k_base';

let encoder: Tiktoken | undefined;
const cache = new Map<string, number>();

export function countTokens(text: string): number {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  encoder ??= getEncoding(TOKENIZER);
  const n = encoder.encode(text).length;
  // Memory texts repeat across queries; bound the cache so a full run cannot grow without limit.
  if (cache.size > 200_000) cache.clear();
  cache.set(text, n);
  return n;
}
