import { retryBackoffMs, type RetryPolicy } from '@engram/ports';
import type { ExtractionDispatcher, ExtractionJob } from './extraction-dispatch';

/** Backoff of the relay (the bus's policy shape); `maxAttempts` tries, then the boot relay takes over. */
export type DispatchRelayOptions = Partial<RetryPolicy>;

/** 1 s doubling to 60 s; 100 tries is over an hour at the cap. */
const DEFAULT_RELAY: RetryPolicy = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  multiplier: 2,
  maxAttempts: 100,
};

/**
 * The outbox relay for adds whose publish failed: the raw memories are stored pending and the add was
 * answered with an error, but a caller that never retries must not leave them unextracted until the
 * next boot. Jobs are published again in the background with exponential backoff (one loop per task;
 * the mem-reader drops a job whose raw memories are already retired). `stop()` abandons the loops:
 * what is still pending then goes out with the boot relay (`resumePendingExtractions`).
 */
export class DispatchRelay {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly dispatcher: ExtractionDispatcher,
    opts: DispatchRelayOptions = {},
    private readonly log?: { warn(msg: string): void },
  ) {
    this.policy = { ...DEFAULT_RELAY, ...opts };
  }

  /** Jobs waiting for another try. */
  get size(): number {
    return this.timers.size;
  }

  schedule(job: ExtractionJob, attempt = 1): void {
    if (this.stopped || this.timers.has(job.task_id)) return;
    const wait = retryBackoffMs(this.policy, attempt);
    const timer = setTimeout(() => {
      this.timers.delete(job.task_id);
      this.dispatcher.dispatch(job).catch((err: unknown) => {
        if (attempt >= this.policy.maxAttempts) {
          this.log?.warn(
            `giving up republishing task ${job.task_id} (the boot relay will): ${(err as Error).message}`,
          );
          return;
        }
        this.schedule(job, attempt + 1);
      });
    }, wait);
    timer.unref();
    this.timers.set(job.task_id, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
