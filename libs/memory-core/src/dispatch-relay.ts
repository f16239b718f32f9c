import type { ExtractionDispatcher, ExtractionJob } from './extraction-dispatch';

export interface DispatchRelayOptions {
  /** First wait after a failed dispatch. Default 1 s. */
  initialBackoffMs?: number;
  /** Cap on a wait. Default 60 s. */
  maxBackoffMs?: number;
  /** Tries before leaving the job to the relay at the next boot. Default 100 (over an hour at the cap). */
  maxAttempts?: number;
}

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
  private readonly initial: number;
  private readonly max: number;
  private readonly attempts: number;

  constructor(
    private readonly dispatcher: ExtractionDispatcher,
    opts: DispatchRelayOptions = {},
    private readonly log?: { warn(msg: string): void },
  ) {
    this.initial = opts.initialBackoffMs ?? 1_000;
    this.max = opts.maxBackoffMs ?? 60_000;
    this.attempts = opts.maxAttempts ?? 100;
  }

  /** Jobs waiting for another try. */
  get size(): number {
    return this.timers.size;
  }

  schedule(job: ExtractionJob, attempt = 1): void {
    if (this.stopped || this.timers.has(job.task_id)) return;
    const wait = Math.min(this.max, this.initial * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.timers.delete(job.task_id);
      this.dispatcher.dispatch(job).catch((err: unknown) => {
        if (attempt >= this.attempts) {
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
