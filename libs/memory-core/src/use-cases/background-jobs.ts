/** Work an add or a boot started and did not wait for; graceful shutdown drains it before the stores close. */
export class BackgroundJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log?: { warn(msg: string): void }) {}

  /** Starts a job; its failure is logged, never thrown (the caller has already answered). */
  spawn(job: () => Promise<void>): void {
    const p = job().catch((err: unknown) =>
      this.log?.warn(`background job failed: ${(err as Error).message}`),
    );
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** Resolves once every job, including those spawned meanwhile, has settled. */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
