import { Metadata, status, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';

/** A generated client's unary method, in its (request, metadata, options, callback) form. */
export type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

export interface RetryPolicy {
  /** Budget for the call and all its retries. */
  deadlineMs: number;
  /** Budget per attempt (reads), so a hung attempt leaves time for another; default the whole budget. */
  attemptMs?: number;
  /** Status codes worth another attempt. */
  retryOn: readonly status[];
  /** Backoff before retry n: min(max, base·2ⁿ), jittered to 50–100 % so instances do not retry in step. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Channel options for the internal clients: grpc-js backs off reconnects up to 120 s by default, so a
 * restarted ingestion/retrieval service would stay unreachable long after it is back.
 */
export const INTERNAL_CHANNEL_OPTIONS = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
} as const;

/** Writes: UNAVAILABLE only (safe because ingest and delete are idempotent). */
export const WRITE_RETRY: readonly status[] = [status.UNAVAILABLE];
/** Reads: also DEADLINE_EXCEEDED of one attempt. */
export const READ_RETRY: readonly status[] = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function once<Req, Res>(method: UnaryMethod<Req, Res>, req: Req, deadline: number): Promise<Res> {
  return new Promise((resolve, reject) =>
    method(req, new Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** One unary call, retried with exponential backoff on the policy's codes while the budget lasts. */
export async function callWithRetry<Req, Res>(
  method: UnaryMethod<Req, Res>,
  req: Req,
  p: RetryPolicy,
): Promise<Res> {
  const end = Date.now() + p.deadlineMs;
  for (let attempt = 0; ; attempt++) {
    const deadline = p.attemptMs ? Math.min(end, Date.now() + p.attemptMs) : end;
    try {
      return await once(method, req, deadline);
    } catch (err) {
      const code = (err as ServiceError).code;
      const delay = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      if (!p.retryOn.includes(code) || Date.now() + delay >= end) throw err;
      await sleep(delay);
    }
  }
}
