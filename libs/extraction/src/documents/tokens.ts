import { countTokens as countCl100k, splitByTokens as splitCl100k } from '@engram/reader';

/**
 * cl100k counts for document chunking: the reader's counter, which is linear in the input (long
 * unbroken runs are counted in chunks) and counts special-token text ("<|endoftext|>") as plain text.
 */
export function countTokens(text: string): number {
  return countCl100k(text);
}

/** Splits text into pieces of at most `max` tokens, at sentence ends where there are any. */
export function splitByTokens(text: string, max: number): string[] {
  return splitCl100k(text, max, 0);
}
