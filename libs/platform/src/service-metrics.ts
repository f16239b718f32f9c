import { EngramMetrics, type LlmUsageRow } from '@engram/observability';
import type { ConsumerLag, MessageBus } from '@engram/ports';
import type { ServiceConfig } from './config';
import { cachedLag } from './lag-cache';

/** What a service's /metrics reads at scrape time; each service plugs what it has. */
export interface MetricSources {
  /** Lag of every consumer group this process subscribed through the bus. */
  bus?: Pick<MessageBus, 'lag'>;
  /** Task counts by status (the gateway's and the scheduler's trackers). */
  tasks?: () => Partial<Record<string, number>>;
  /** Cumulative LLM token usage (the mem-reader's client ledger). */
  llmUsage?: () => Iterable<LlmUsageRow>;
}

export interface ServiceMetricsOptions {
  /** Default 5 s: Prometheus scrapes every 15–60 s, several scrapers share one read. */
  lagTtlMs?: number;
  /** Default 2 s, well under a scrape timeout. */
  lagTimeoutMs?: number;
}

/**
 * A service's Prometheus metrics (label `service`). Built before the bus, whose observer feeds the
 * bus counters; the scrape-time sources exist only later, so they are plugged with `watch()`.
 */
export class ServiceMetrics extends EngramMetrics {
  private readonly sources: MetricSources;

  constructor(service: string, opts: ServiceMetricsOptions = {}) {
    const sources: MetricSources = {};
    let lag: (() => Promise<readonly ConsumerLag[]>) | undefined;
    let lagOf: MetricSources['bus'];
    super({
      service,
      tasks: lastGood(() => sources.tasks?.() ?? {}, {}),
      llmUsage: lastGood(() => [...(sources.llmUsage?.() ?? [])], []),
      busLag: () => {
        const bus = sources.bus;
        if (!bus) return [];
        if (lagOf !== bus) {
          lagOf = bus;
          lag = cachedLag(() => bus.lag(), {
            ttlMs: opts.lagTtlMs ?? 5000,
            timeoutMs: opts.lagTimeoutMs ?? 2000,
          });
        }
        return lag!();
      },
    });
    this.sources = sources;
  }

  /** Plugs scrape-time sources (merged with earlier ones). */
  watch(sources: MetricSources): this {
    Object.assign(this.sources, sources);
    return this;
  }
}

/** One metrics instance per service process, labelled with the service's name. */
export function createServiceMetrics(cfg: Pick<ServiceConfig, 'service'>, opts?: ServiceMetricsOptions) {
  return new ServiceMetrics(cfg.service, opts);
}

/** A scrape must not fail because a source threw: serve what it returned last. */
function lastGood<T>(read: () => T, initial: T): () => T {
  let last = initial;
  return () => {
    try {
      last = read();
    } catch {
      // keep the previous value
    }
    return last;
  };
}
