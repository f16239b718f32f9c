/**
 * Lenient JSON parsing for model output. Models wrap JSON in prose or code fences, leave trailing
 * commas, use single quotes or Python literals. Each fix is applied only outside strings, so text
 * inside values is never altered.
 */
export interface LenientJson {
  value: unknown;
  /** False when the text was valid JSON as given. */
  repaired: boolean;
}

export class JsonRepairError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonRepairError';
  }
}

export function parseJsonLenient(text: string): LenientJson {
  const direct = tryParse(text.trim());
  if (direct.ok) return { value: direct.value, repaired: false };

  const cleaned = stripCodeFences(stripReasoning(text)).trim();
  const candidates = [cleaned, ...balancedSpans(cleaned)];
  for (const c of candidates) {
    const plain = tryParse(c);
    if (plain.ok) return { value: plain.value, repaired: true };
    const fixed = tryParse(normalizeJsonish(c));
    if (fixed.ok) return { value: fixed.value, repaired: true };
  }
  if (!/[[{]/.test(cleaned)) throw new JsonRepairError('the answer contains no JSON object or array');
  throw new JsonRepairError(`the answer is not valid JSON (${direct.error})`);
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function tryParse(s: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Reasoning models (DeepSeek-R1, Qwen3) may prepend `<think>…</think>`. */
export function stripReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '');
}

/** Returns the body of the first ``` fenced block, or the text unchanged when there is none. */
export function stripCodeFences(text: string): string {
  const m = text.match(/```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/);
  return m ? m[1]! : text;
}

const OPENERS = '{[';
const CLOSER: Record<string, string> = { '{': '}', '[': ']' };
/** Characters after which a quote starts a token (key or value), so an apostrophe in prose is not one. */
const TOKEN_START = new Set(['{', '[', ',', ':', '']);

/** Every top-level balanced {…} or […] span, left to right. */
export function balancedSpans(text: string): string[] {
  const spans: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (OPENERS.includes(text[i]!)) {
      const end = scanBalanced(text, i);
      if (end !== null) {
        spans.push(text.slice(i, end));
        i = end;
        continue;
      }
    }
    i++;
  }
  return spans;
}

/** End index (exclusive) of the balanced span starting at `start`, or null if it never closes. */
function scanBalanced(text: string, start: number): number | null {
  const stack: string[] = [];
  let quote: string | null = null;
  let prev = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote && (quote === '"' || closesSingleQuote(text, i))) quote = null;
      continue;
    }
    if (c === '"' || (c === "'" && TOKEN_START.has(prev))) quote = c;
    else if (OPENERS.includes(c)) stack.push(CLOSER[c]!);
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return null;
      if (stack.length === 0) return i + 1;
    }
    if (!/\s/.test(c)) prev = c;
  }
  return null;
}

/** A single quote closes a string only when a delimiter follows, so "user's" stays inside. */
function closesSingleQuote(text: string, i: number): boolean {
  const rest = text.slice(i + 1).match(/^\s*(.)/);
  return !rest || ',:}]'.includes(rest[1]!);
}

const PY_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/**
 * Rewrites JSON-ish text into JSON: single-quoted strings → double-quoted, trailing commas dropped,
 * Python True/False/None → JSON literals. Works token by token, outside strings only.
 */
export function normalizeJsonish(text: string): string {
  let out = '';
  let prev = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfDoubleQuoted(text, i);
      out += text.slice(i, end);
      i = end - 1;
      prev = '"';
      continue;
    }
    if (c === "'" && TOKEN_START.has(prev)) {
      let j = i + 1;
      let body = '';
      while (j < text.length && !(text[j] === "'" && closesSingleQuote(text, j))) {
        if (text[j] === '\\' && text[j + 1] === "'") {
          body += "'";
          j += 2;
          continue;
        }
        if (text[j] === '\\') {
          body += text.slice(j, j + 2);
          j += 2;
          continue;
        }
        body += text[j] === '"' ? '\\"' : text[j];
        j++;
      }
      out += `"${body}"`;
      i = j;
      prev = '"';
      continue;
    }
    if (c === ',') {
      const next = text.slice(i + 1).match(/^\s*(.)/);
      if (next && (next[1] === '}' || next[1] === ']')) continue;
    }
    const word = /^[A-Za-z_]+/.exec(text.slice(i, i + 6));
    if (word && PY_LITERALS[word[0]] !== undefined && !/[A-Za-z0-9_]/.test(prev)) {
      out += PY_LITERALS[word[0]];
      i += word[0].length - 1;
      prev = 'l';
      continue;
    }
    out += c;
    if (!/\s/.test(c)) prev = c;
  }
  return out;
}

function endOfDoubleQuoted(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
