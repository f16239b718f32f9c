import type { ConsumerLag } from '@engram/ports';

export interface LagCacheOptions {
  /** A successful (or failed) read is reused this long, so scrapes do not hammer the broker. */
  ttlMs: number;
  /** A scrape waits this long for the broker; the read goes on and serves the next scrape. */
  timeoutMs: number;
  now?: () => number;
}

/**
 * Consumer lag for scrapes: at most one broker read per `ttlMs` and never two at once. A read that
 * fails or is slow rejects quickly; `EngramMetrics` then keeps the last values, so /metrics still
 * answers when Kafka is away.
 */
export function cachedLag(
  read: () => Promise<readonly ConsumerLag[]>,
  opts: LagCacheOptions,
): () => Promise<readonly ConsumerLag[]> {
  const now = opts.now ?? Date.now;
  let last: { at: number; value: readonly ConsumerLag[] } | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<readonly ConsumerLag[]> | undefined;
  return async () => {
    const t = now();
    if (last && t - last.at < opts.ttlMs) return last.value;
    if (t - failedAt < opts.ttlMs) throw new Error('consumer lag unavailable (last read failed)');
    inflight ??= read()
      .then(
        (value) => {
          last = { at: now(), value };
          return value;
        },
        (err: unknown) => {
          failedAt = now();
          throw err;
        },
      )
      .finally(() => (inflight = undefined));
    return withTimeout(inflight, opts.timeoutMs);
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumer lag: no answer in ${ms} ms`)), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
