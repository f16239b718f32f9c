/** Delay before retry number `attempt` (0-based): exponential with jitter, or the server's Retry-After. */
export function backoffDelay(
  attempt: number,
  opts: { baseMs: number; maxMs: number; retryAfter?: string | null; random?: () => number },
): number {
  const fromHeader = parseRetryAfter(opts.retryAfter ?? null);
  if (fromHeader !== null) return Math.min(fromHeader, opts.maxMs);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
  // "Equal jitter": at least half the ceiling, so retries never hammer back-to-back.
  return Math.round(ceiling / 2 + (opts.random ?? Math.random)() * (ceiling / 2));
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
