import { Logger } from '@nestjs/common';

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Readiness and graceful shutdown of one service. Steps run in registration order, so register them
 * as shutdown should go: stop intake (HTTP/gRPC server, consumers), drain in-flight work, then close
 * the bus and the stores. A step that fails is logged and the next still runs.
 */
export class ServiceLifecycle {
  private isReady = false;
  private stopping?: Promise<void>;
  private readonly steps: Step[] = [];
  private readonly log: Logger;

  constructor(readonly service: string) {
    this.log = new Logger(service);
  }

  get ready(): boolean {
    return this.isReady && !this.stopping;
  }

  markReady(): void {
    this.isReady = true;
  }

  onShutdown(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  /** Runs every step once; later calls wait for the first. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.log(`${reason}: not ready; stopping intake, draining in-flight work, closing bus and stores`);
      for (const s of this.steps) {
        try {
          await s.run();
        } catch (err) {
          this.log.warn(`shutdown step '${s.name}' failed: ${(err as Error).message}`);
        }
      }
      this.log.log('stopped');
    })();
    return this.stopping;
  }

  /** SIGTERM/SIGINT → graceful shutdown, bounded by timeoutMs, then exit. */
  exitOnSignals(timeoutMs: number): void {
    const stop = (signal: string) => {
      const timer = setTimeout(() => {
        this.log.error(`graceful shutdown took over ${timeoutMs} ms; exiting`);
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      void this.shutdown(signal).then(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  }
}
