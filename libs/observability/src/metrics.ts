import type { BusObserver, ConsumerLag } from '@engram/ports';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Token usage rows as the LLM client's UsageLedger reports them (cumulative since start). */
export interface LlmUsageRow {
  tenant_id: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface MetricsOptions {
  /** Default label `service` on every series (which deployable answered). */
  service?: string;
  /** Registry to fill; default a fresh one (so several apps in one process do not collide). */
  registry?: Registry;
  /** Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** Task counts by status now (e.g. `memory.tasks.totals()`, every tenant), read on every scrape. */
  tasks?: () => Partial<Record<string, number>>;
  /** LLM token usage per tenant and model, read on every scrape (e.g. `usageLedger.snapshot()`). */
  llmUsage?: () => Iterable<LlmUsageRow>;
  /** Consumer lag per group/topic/partition (e.g. `() => bus.lag()`), read on every scrape. */
  busLag?: () => Promise<readonly ConsumerLag[]> | readonly ConsumerLag[];
}

/** Seconds, from 1 ms to 30 s: covers a cached search and a fine-mode add with an LLM call. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics every Engram service exposes. Pull-style values (tasks, LLM tokens, bus lag)
 * are read from callbacks at scrape time, so the libraries that own them need no metrics dependency.
 */
export class EngramMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly errors: Counter<'source'>;
  readonly tasks: Gauge<'status'>;
  readonly llmTokens: Counter<'tenant' | 'model' | 'kind'>;
  readonly busLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly busPublished: Counter<'topic' | 'result'>;
  readonly busHandled: Counter<'topic' | 'group' | 'outcome'>;
  readonly busHandlerDuration: Histogram<'topic' | 'group'>;

  constructor(opts: MetricsOptions = {}) {
    const registry = (this.registry = opts.registry ?? new Registry());
    if (opts.service) registry.setDefaultLabels({ service: opts.service });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
    const registers = [registry];

    this.httpDuration = new Histogram({
      name: 'engram_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'engram_errors_total',
      help: 'Errors by source: http (5xx responses), bus (dead-lettered messages), or what recordError() was given',
      labelNames: ['source'],
      registers,
    });
    const tasksFn = opts.tasks;
    this.tasks = new Gauge({
      name: 'engram_tasks_total',
      help: 'Tasks known to the scheduler, by status (waiting, in_progress, completed, failed, cancelled)',
      labelNames: ['status'],
      registers,
      collect() {
        if (!tasksFn) return;
        this.reset();
        for (const [status, n] of Object.entries(tasksFn())) {
          if (typeof n === 'number' && status !== 'total' && status !== 'pending') this.set({ status }, n);
        }
      },
    });
    const usageFn = opts.llmUsage;
    this.llmTokens = new Counter({
      name: 'engram_llm_tokens_total',
      help: 'LLM tokens used since start, per tenant, model and kind (prompt, completion)',
      labelNames: ['tenant', 'model', 'kind'],
      registers,
      collect() {
        if (!usageFn) return;
        // the ledger is cumulative: expose its totals as they are
        this.reset();
        for (const r of usageFn()) {
          if (r.prompt_tokens > 0)
            this.inc({ tenant: r.tenant_id, model: r.model, kind: 'prompt' }, r.prompt_tokens);
          if (r.completion_tokens > 0)
            this.inc({ tenant: r.tenant_id, model: r.model, kind: 'completion' }, r.completion_tokens);
        }
      },
    });
    const lagFn = opts.busLag;
    this.busLag = new Gauge({
      name: 'engram_bus_consumer_lag',
      help: 'Messages published but not yet committed by a consumer group, per topic and partition',
      labelNames: ['group', 'topic', 'partition'],
      registers,
      async collect() {
        if (!lagFn) return;
        let lag: readonly ConsumerLag[];
        try {
          lag = await lagFn();
        } catch {
          return; // keep the last values: a scrape must not fail because the broker is away
        }
        this.reset();
        for (const l of lag)
          this.set({ group: l.groupId, topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    });
    this.busPublished = new Counter({
      name: 'engram_bus_published_messages_total',
      help: 'Messages published to the bus, by topic and result (ok, error)',
      labelNames: ['topic', 'result'],
      registers,
    });
    this.busHandled = new Counter({
      name: 'engram_bus_handled_total',
      help: 'Handler calls by topic, consumer group and outcome (ok, retry, dead-letter, aborted)',
      labelNames: ['topic', 'group', 'outcome'],
      registers,
    });
    this.busHandlerDuration = new Histogram({
      name: 'engram_bus_handler_duration_seconds',
      help: 'Duration of one handler call, by topic and consumer group',
      labelNames: ['topic', 'group'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /** Counts an error from a source (a short, fixed name: not a message). */
  recordError(source: string): void {
    this.errors.inc({ source });
  }

  /** Records a finished HTTP request. `route` must be the route template, never the raw path. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
    if (status >= 500) this.recordError('http');
  }

  /** Hooks for a MessageBus adapter's `observer` option. */
  busObserver(): BusObserver {
    return {
      published: (e) => this.busPublished.inc({ topic: e.topic, result: e.error ? 'error' : 'ok' }, e.count),
      handled: (e) => {
        this.busHandled.inc({ topic: e.topic, group: e.groupId, outcome: e.outcome });
        this.busHandlerDuration.observe({ topic: e.topic, group: e.groupId }, e.durationMs / 1000);
        if (e.outcome === 'dead-letter') this.recordError('bus');
      },
    };
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
