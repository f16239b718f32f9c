import { unsafeJsonText, unsafeTextReason } from '@engram/domain';
import { z } from 'zod';

/**
 * Zod schemas for the caller's text fields, with the JSON Schema the OpenAPI document shows for them
 * (zod-to-json-schema cannot see a refinement). Each rule is stated so that the server and the document
 * agree on every string: lengths count code points (as JSON Schema does), blank means what
 * `String.prototype.trim` removes, and no control character (other than tab, LF, CR) or lone surrogate
 * is stored (`unsafeTextReason`).
 */

/** JSON Schema of a zod schema whose rules live in a refinement; read by the OpenAPI document. */
export const DOCUMENTED_AS = new WeakMap<z.ZodTypeDef, Record<string, unknown>>();

const CONTROL = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f';
// what String.prototype.trim removes: WhiteSpace (Zs included) and LineTerminator
const BLANK = '\\t\\n\\u000b\\u000c\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const SAFE_PATTERN = `^[^${CONTROL}]*$`;
const SAFE_NOT_BLANK_PATTERN = `^[^${CONTROL}]*[^${CONTROL}${BLANK}][^${CONTROL}]*$`;

/** Length in code points (JSON Schema's `maxLength`), not UTF-16 units. */
const codePoints = (s: string): number => s.length - (s.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);

/**
 * A text field of at most `max` code points. `trim`: surrounding blanks are removed and a blank value is
 * refused (ids, names); `notBlank` refuses a blank value but keeps the value as sent; otherwise it must
 * have at least `min` code points.
 */
export function text(opts: { max: number; min?: number; trim?: boolean; notBlank?: boolean }) {
  const notBlank = opts.trim || opts.notBlank;
  const min = notBlank ? 1 : (opts.min ?? 0);
  const schema = z
    .string()
    .superRefine((s, ctx) => {
      const reason = unsafeTextReason(s);
      if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: reason });
      else if (codePoints(s) > opts.max) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be at most ${opts.max} characters` });
      else if (notBlank && !s.trim()) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must not be blank' });
      else if (codePoints(s) < min) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be at least ${min} characters` });
    })
    .transform((s) => (opts.trim ? s.trim() : s));
  DOCUMENTED_AS.set(schema._def, {
    type: 'string',
    maxLength: opts.max,
    ...(min ? { minLength: min } : {}),
    pattern: notBlank ? SAFE_NOT_BLANK_PATTERN : SAFE_PATTERN,
  });
  return schema;
}

/** An id (user, cube, session, task, memory): 1-256 characters, trimmed, safe text. */
export const id = text({ max: 256, trim: true });

/** A JSON object of the caller's own (`info`): every key and string value inside it must be safe text. */
export function jsonObject() {
  return z.record(z.unknown()).superRefine((o, ctx) => {
    const bad = unsafeJsonText(o, '');
    if (bad) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${bad.path.slice(1) || 'value'} ${bad.reason}` });
  });
}

/** Shows `json` as the JSON Schema of `schema` in the OpenAPI document (validation stays `schema`'s). */
export function documented<S extends z.ZodTypeAny>(schema: S, json: Record<string, unknown>): S {
  DOCUMENTED_AS.set(schema._def, json);
  return schema;
}
