import { getEncoding, type Tiktoken } from 'js-tiktoken';
import { runToEnd, type Steps } from './steps';

// Built when the module loads (the rank table takes ~0.3 s): at boot, not inside the first request.
const encoder: Tiktoken = getEncoding('cl100k_base');
const enc = (): Tiktoken => encoder;

/**
 * Longest run of one character class (letters, symbols, whitespace) that is tokenised whole. cl100k's
 * pre-tokeniser makes one piece of such a run and js-tiktoken merges a piece in time quadratic in its
 * bytes (a 20 KB word took 85 s), so longer runs are counted in RUN_CHUNK-character chunks instead.
 * Ordinary prose in any language has no such run and is counted exactly; each cut costs at most a token.
 */
export const MAX_TOKENISED_RUN = 32;
const LONG_RUN = new RegExp(
  `\\p{L}{${MAX_TOKENISED_RUN + 1},}|[^\\s\\p{L}\\p{N}]{${MAX_TOKENISED_RUN + 1},}|\\s{${MAX_TOKENISED_RUN + 1},}`,
  'gu',
);
const RUN_CHUNK = /[\s\S]{1,16}/gu;
// Chunks of pathological runs repeat (a run of one letter is one chunk over and over): remember them.
const chunkCounts = new Map<string, number>();
const CHUNK_CACHE_SIZE = 4096;

// Special-token text ("<|endoftext|>") in a message is counted as plain text, never rejected.
const encodeLength = (text: string): number => (text ? enc().encode(text, [], []).length : 0);

function chunkTokens(chunk: string): number {
  let n = chunkCounts.get(chunk);
  if (n === undefined) {
    if (chunkCounts.size >= CHUNK_CACHE_SIZE) chunkCounts.clear();
    n = encodeLength(chunk);
    chunkCounts.set(chunk, n);
  }
  return n;
}

/** cl100k token count (the tokenizer MemOS windows with), in time linear in the text's length. */
export function countTokens(text: string): number {
  let count = 0;
  let last = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    count += encodeLength(text.slice(last, run.index));
    for (const [chunk] of run[0].matchAll(RUN_CHUNK)) count += chunkTokens(chunk);
    last = run.index + run[0].length;
  }
  return count + encodeLength(text.slice(last));
}

/** A piece of text and its token count. */
export interface Measured {
  text: string;
  tokens: number;
}

const SENTENCE_RE = /[^.!?。！？\n]+[.!?。！？\n]*|[.!?。！？\n]+/gu;

/** Cuts text into slices of at most `size` characters, never inside a surrogate pair. */
export function sliceChars(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + size);
    if (end < text.length && /[\udc00-\udfff]/.test(text[end]!)) end += end - 1 > i ? -1 : 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/**
 * Sentence units of at most about `max` tokens each, every unit counted once: a sentence is counted in
 * slices of a bounded length, and a slice over the budget is cut by characters in proportion. Steps
 * between units, so an async driver can give the event loop back during a large input.
 */
export function* measureUnits(text: string, max: number): Steps<Measured[]> {
  const units: Measured[] = [];
  for (const sentence of text.match(SENTENCE_RE) ?? [text]) {
    for (const slice of sliceChars(sentence, max * 4)) {
      const tokens = countTokens(slice);
      yield;
      if (tokens <= max) {
        units.push({ text: slice, tokens });
        continue;
      }
      for (const part of sliceChars(slice, Math.max(1, Math.floor((slice.length * max) / tokens)))) {
        units.push({ text: part, tokens: countTokens(part) });
        yield;
      }
    }
  }
  return units;
}

/**
 * Packs measured units into pieces of at most `max` tokens with `overlap` tokens carried into the next
 * piece, cutting at sentence ends when possible.
 */
export function packUnits(units: Measured[], max: number, overlap: number): Measured[] {
  const pieces: Measured[] = [];
  const current: Measured[] = [];
  let total = 0;
  const flush = () => {
    const text = current.map((c) => c.text).join('').trim();
    if (text) pieces.push({ text, tokens: total });
  };
  for (const unit of units) {
    if (total + unit.tokens > max && current.length) {
      flush();
      while (current.length && total > overlap) total -= current.shift()!.tokens;
    }
    current.push(unit);
    total += unit.tokens;
  }
  if (current.length) flush();
  return pieces;
}

/** Steps of splitByTokens, for a driver that yields to the event loop (see steps.ts). */
export function* splitByTokensSteps(text: string, max: number, overlap: number): Steps<string[]> {
  const units = yield* measureUnits(text, max);
  if (units.reduce((a, u) => a + u.tokens, 0) <= max) return [text];
  return packUnits(units, max, overlap).map((p) => p.text);
}

/** Splits text into pieces of at most `max` tokens, cutting at sentence ends when possible. */
export function splitByTokens(text: string, max: number, overlap: number): string[] {
  return runToEnd(splitByTokensSteps(text, max, overlap));
}
