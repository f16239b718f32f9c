import { ValidationError } from '@engram/domain';
import type { z } from 'zod';

/**
 * Validates a request body; the error names every offending field. A body that is not a JSON object
 * or array (none at all, `null`, a bare string or number) is refused as a whole.
 */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== 'object') throw new ValidationError('request body must be a JSON object');
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const msg = r.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  throw new ValidationError(`invalid request: ${msg}`, r.error.issues);
}
