import { ValidationError } from '@engram/domain';
import { assertReplayTarget, type ReplayRequest } from '@engram/scheduler';

export const MAX_DEAD_LETTER_LIMIT = 10_000;

/** `{ids?, source_topic?}` checked: the shape, and at least one of the two. */
export function parseReplayRequest(body: unknown): ReplayRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('body must be an object {ids?: string[], source_topic?: string}');
  const { ids, source_topic } = body as Record<string, unknown>;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string' || !i)))
    throw new ValidationError('ids must be a list of dead-letter ids (non-empty strings)');
  if (source_topic !== undefined && (typeof source_topic !== 'string' || !source_topic))
    throw new ValidationError('source_topic must be a non-empty string');
  const req: ReplayRequest = {
    ...(ids?.length ? { ids: ids as string[] } : {}),
    ...(source_topic ? { source_topic } : {}),
  };
  assertReplayTarget(req);
  return req;
}

export function parseLimit(raw: string | undefined): number {
  const limit = raw === undefined || raw === '' ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTER_LIMIT)
    throw new ValidationError(`limit must be an integer in [1, ${MAX_DEAD_LETTER_LIMIT}]`);
  return limit;
}
