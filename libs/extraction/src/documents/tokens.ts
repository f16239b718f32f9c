import { getEncoding, type Tiktoken } from 'js-tiktoken';

let encoder: Tiktoken | null = null;

/** cl100k_base, loaded on first use (the rank table is large). */
function enc(): Tiktoken {
  encoder ??= getEncoding('cl100k_base');
  return encoder;
}

/** Special-token text ("<|endoftext|>") in a document is counted as plain text, never rejected. */
export function countTokens(text: string): number {
  return enc().encode(text, [], []).length;
}

/** Splits text into pieces of at most `max` tokens (last resort for text without usable breaks). */
export function splitByTokens(text: string, max: number): string[] {
  const ids = enc().encode(text, [], []);
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += max) out.push(enc().decode(ids.slice(i, i + max)));
  return out;
}
