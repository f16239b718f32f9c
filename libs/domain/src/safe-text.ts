import { ValidationError } from './errors';

// C0 control characters other than tab, line feed and carriage return (NUL included).
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a caller's string cannot be stored as text, or null when it can: control characters (NUL above
 * all: SQLite and most stores cut or reject it) and lone UTF-16 surrogates (not valid Unicode; they
 * cannot be encoded as UTF-8 and come back as U+FFFD or break clients).
 */
export function unsafeTextReason(value: string): string | null {
  const control = CONTROL_RE.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    return `contains the control character U+${code.toUpperCase()}`;
  }
  if (LONE_SURROGATE_RE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** Throws a ValidationError naming `path` when the string cannot be stored as text. */
export function assertSafeText(value: string, path: string): void {
  const reason = unsafeTextReason(value);
  if (reason) throw new ValidationError(`${path} ${reason}`);
}

/**
 * A key or string value inside a JSON value that cannot be stored as text, with its path
 * (`info.a.0`), or null. Iterative, so a deeply nested value cannot overflow the stack here.
 */
export function unsafeJsonText(value: unknown, path: string): { path: string; reason: string } | null {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unsafeTextReason(v);
      if (reason) return { path: at, reason };
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${at}.${i}`]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const reason = unsafeTextReason(k);
        if (reason) return { path: `${at} key ${JSON.stringify(k)}`, reason };
        stack.push([x, `${at}.${k}`]);
      }
    }
  }
  return null;
}

/** Throws a ValidationError naming a key or string value of `value` that is not safe text. */
export function assertSafeJsonText(value: unknown, path: string): void {
  const bad = unsafeJsonText(value, path);
  if (bad) throw new ValidationError(`${bad.path} ${bad.reason}`);
}
