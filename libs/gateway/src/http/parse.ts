import { ValidationError } from '@engram/domain';
import type { z } from 'zod';

/** Validates a request body; the error names every offending field. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`invalid request: ${msg}`, r.error.issues);
}
