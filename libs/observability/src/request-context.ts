import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a request context; everything it awaits sees the same request id. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request id of the request being handled, if any (for logs and outgoing calls). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const SAFE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

/**
 * The caller's request id when it is safe to echo and log (1-128 characters, no spaces or control
 * characters), otherwise a new UUID. A list (repeated header) takes the first value.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  const trimmed = v?.trim();
  return trimmed && SAFE_ID.test(trimmed) ? trimmed : randomUUID();
}
