import { getEncoding, type Tiktoken } from 'js-tiktoken';

let encoder: Tiktoken | null = null;

/** cl100k token counts (the tokenizer MemOS windows with); loaded once, lazily. */
export function countTokens(text: string): number {
  encoder ??= getEncoding('cl100k_base');
  return encoder.encode(text).length;
}

/** Splits text into pieces of at most `max` tokens, cutting at sentence ends when possible. */
export function splitByTokens(text: string, max: number, overlap: number): string[] {
  if (countTokens(text) <= max) return [text];
  const sentences = text.match(/[^.!?。！？\n]+[.!?。！？\n]*|[.!?。！？\n]+/gu) ?? [text];
  const pieces: string[] = [];
  const current: { s: string; t: number }[] = [];
  let total = 0;
  const flush = () => {
    if (current.length) pieces.push(current.map((c) => c.s).join('').trim());
  };
  for (const raw of sentences) {
    for (const s of hardSplit(raw, max)) {
      const t = countTokens(s);
      if (total + t > max && current.length) {
        flush();
        while (current.length && total > overlap) total -= current.shift()!.t;
      }
      current.push({ s, t });
      total += t;
    }
  }
  flush();
  return pieces.filter((p) => p.length > 0);
}

/** A single sentence longer than the budget is cut by characters (rare: huge unpunctuated text). */
function hardSplit(sentence: string, max: number): string[] {
  if (countTokens(sentence) <= max) return [sentence];
  const out: string[] = [];
  const step = Math.max(16, max * 2);
  for (let i = 0; i < sentence.length; i += step) out.push(sentence.slice(i, i + step));
  return out;
}
