import { Logger } from '@nestjs/common';
import { ALL_TOPICS } from '@engram/contracts';
import {
  abortableSleep,
  checkOutgoing,
  checkSubscribeOptions,
  compareLag,
  DEFAULT_DEAD_LETTER_TOPIC,
  deliverMessage,
  observePublish,
} from '@engram/bus';
import {
  type BusHeaders,
  type BusMessage,
  type BusObserver,
  type ConsumerLag,
  type MessageBus,
  type OutgoingMessage,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
} from '@engram/ports';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  type LogEntry,
  Partitioners,
  type Producer,
  type RetryOptions,
} from 'kafkajs';

type BusLogger = Pick<Logger, 'log' | 'warn' | 'error'>;

export interface KafkaBusOptions {
  /** `host:port` list, or one comma-separated string (ENGRAM_KAFKA_BROKERS). */
  brokers: string | readonly string[];
  clientId?: string;
  /**
   * Topics created at start-up if missing (idempotent). Default: every `engram.*.v1` topic from
   * libs/contracts. Topics first used later are created on first publish or subscribe.
   */
  topics?: readonly string[];
  /** Partitions of the topics this bus creates (default 6); existing topics are never changed. */
  partitions?: number;
  topicPartitions?: Record<string, number>;
  /** Default min(3, brokers in the cluster). */
  replicationFactor?: number;
  /** Default `engram.dead-letter.v1`. */
  deadLetterTopic?: string;
  observer?: BusObserver;
  logger?: BusLogger;
  /** kafkajs' own log level (default WARN); its lines go to `logger`. */
  kafkaLogLevel?: logLevel;
  /**
   * kafkajs retry for connections and requests: how long clients keep reconnecting while a broker
   * restarts. Default 12 retries from 300 ms, capped at 10 s each (about a minute in total).
   */
  clientRetry?: RetryOptions;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Consumer session timeout (default 30 s); handlers heartbeat while they run. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long subscribe() waits for the group join (default 60 s). */
  joinTimeoutMs?: number;
  /** Longest a fetch waits for new data (default 500 ms): bounds how long close() waits for a fetch. */
  maxWaitTimeMs?: number;
}

const DEFAULT_CLIENT_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 10_000, retries: 12 };

/**
 * MessageBus over Kafka (kafkajs). Producer: idempotent, acks=all, one request in flight per broker.
 * Consumers: one kafkajs consumer per subscription, `autoCommit: false`; each message is resolved and
 * its offset committed only after its handler resolved or it was dead-lettered, so a crash or a
 * rebalance redelivers at most unfinished messages. A consumer that kafkajs gives up on (it does not
 * restart after, e.g., no broker being reachable) is recreated by the subscription until closed.
 */
export class KafkaMessageBus implements MessageBus {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly log: BusLogger;
  private readonly deadLetterTopic: string;
  private readonly known = new Set<string>();
  private readonly creating = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  /** Topics each group consumes through this bus (kept after close, for lag()). */
  private readonly groupTopics = new Map<string, Set<string>>();
  /** Groups subscribed with `ephemeral`: deleted from Kafka once no subscription here uses them. */
  private readonly ephemeralGroups = new Set<string>();
  private replicationFactor?: number;
  private closing = false;
  private closed?: Promise<void>;

  private constructor(private readonly opts: KafkaBusOptions) {
    const brokers = (typeof opts.brokers === 'string' ? opts.brokers.split(',') : [...opts.brokers])
      .map((b) => b.trim())
      .filter(Boolean);
    if (brokers.length === 0) throw new TypeError('KafkaMessageBus: no brokers given');
    for (const [t, n] of Object.entries({ ...opts.topicPartitions, default: opts.partitions ?? 6 }))
      if (!Number.isInteger(n) || n < 1)
        throw new RangeError(`partitions for ${t} must be an integer ≥ 1, got ${n}`);
    this.log = opts.logger ?? new Logger('bus');
    this.deadLetterTopic = opts.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC;
    this.replicationFactor = opts.replicationFactor;
    this.kafka = new Kafka({
      clientId: opts.clientId ?? 'engram',
      brokers,
      connectionTimeout: opts.connectionTimeoutMs ?? 3000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      retry: { ...DEFAULT_CLIENT_RETRY, ...opts.clientRetry },
      logLevel: opts.kafkaLogLevel ?? logLevel.WARN,
      logCreator: () => (e: LogEntry) => this.kafkaLog(e),
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects the producer and admin client and creates the configured topics if missing. */
  static async connect(opts: KafkaBusOptions): Promise<KafkaMessageBus> {
    const bus = new KafkaMessageBus(opts);
    try {
      await bus.admin.connect();
      await bus.producer.connect();
      await bus.ensureTopics([...(opts.topics ?? ALL_TOPICS), bus.deadLetterTopic]);
      return bus;
    } catch (err) {
      await bus.close().catch(() => undefined);
      throw err;
    }
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await observePublish(this.opts.observer, topic, messages.length, async () => {
      if (this.closing) throw new Error('message bus is closed');
      const valid = messages.map((m, i) => checkOutgoing(topic, m, i));
      if (valid.length > 0) {
        await this.ensureTopics([topic]);
        await this.producer.send({ topic, acks: -1, messages: valid });
      }
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closing) throw new Error('message bus is closed');
    const { topics, concurrency, policy } = checkSubscribeOptions(options);
    await this.ensureTopics(topics);

    const groupTopics = this.groupTopics.get(options.groupId) ?? new Set();
    for (const t of topics) groupTopics.add(t);
    this.groupTopics.set(options.groupId, groupTopics);

    const sub = new KafkaSubscription(this.kafka, this.log, {
      ...options,
      topics,
      concurrency,
      policy,
      observer: this.opts.observer,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.opts.heartbeatIntervalMs ?? 3000,
      maxWaitTimeInMs: this.opts.maxWaitTimeMs ?? 500,
      retry: { ...DEFAULT_CLIENT_RETRY, ...this.opts.clientRetry },
      deadLetter: (dead) => this.publishDeadLetter(dead),
      onClosed: () => this.subscriptions.delete(sub),
    });
    this.subscriptions.add(sub);
    if (options.ephemeral) this.ephemeralGroups.add(options.groupId);
    try {
      await sub.start(this.opts.joinTimeoutMs ?? 60_000);
    } catch (err) {
      await sub.close().catch(() => undefined);
      await this.dropEphemeralGroups();
      throw err;
    }
    if (!options.ephemeral) return sub;
    return {
      groupId: sub.groupId,
      topics: sub.topics,
      close: async () => {
        await sub.close();
        await this.dropEphemeralGroups();
      },
    };
  }

  /** Deletes the ephemeral groups no open subscription of this bus still uses (best effort). */
  private async dropEphemeralGroups(): Promise<void> {
    const live = new Set([...this.subscriptions].map((s) => s.groupId));
    const idle = [...this.ephemeralGroups].filter((g) => !live.has(g));
    if (!idle.length) return;
    for (const g of idle) {
      this.ephemeralGroups.delete(g);
      this.groupTopics.delete(g); // nothing left to report lag for
    }
    await this.admin.deleteGroups(idle).catch((err: unknown) => {
      this.log.warn(`could not delete ephemeral consumer groups ${idle.join(', ')}: ${String(err)}`);
    });
  }

  async lag(groupId?: string): Promise<ConsumerLag[]> {
    const groups = groupId === undefined ? [...this.groupTopics.keys()] : [groupId];
    const ends = new Map<string, Map<number, { high: string; low: string }>>();
    const endsOf = async (topic: string) => {
      let m = ends.get(topic);
      if (!m) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        m = new Map(offsets.map((o) => [o.partition, { high: o.high, low: o.low }]));
        ends.set(topic, m);
      }
      return m;
    };
    const out: ConsumerLag[] = [];
    for (const g of groups) {
      const known = [...(this.groupTopics.get(g) ?? [])];
      const committed = await this.admin.fetchOffsets({
        groupId: g,
        ...(known.length ? { topics: known } : {}),
      });
      for (const { topic, partitions } of committed) {
        const end = await endsOf(topic);
        for (const p of partitions) {
          const e = end.get(p.partition);
          if (!e) continue;
          const c = BigInt(p.offset) >= 0n ? BigInt(p.offset) : null;
          const from = c === null || c < BigInt(e.low) ? BigInt(e.low) : c;
          out.push({
            groupId: g,
            topic,
            partition: p.partition,
            committedOffset: c === null ? null : c.toString(),
            endOffset: e.high,
            lag: Math.max(0, Number(BigInt(e.high) - from)),
          });
        }
      }
    }
    return out.sort(compareLag);
  }

  close(): Promise<void> {
    return (this.closed ??= (async () => {
      this.closing = true;
      const results = await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
      await this.dropEphemeralGroups();
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })());
  }

  /** Creates the topics that do not exist yet (idempotent; concurrent callers share one request). */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const pending = missing.filter((t) => this.creating.has(t)).map((t) => this.creating.get(t)!);
    const mine = missing.filter((t) => !this.creating.has(t));
    if (mine.length > 0) {
      const p = this.createTopics(mine).finally(() => mine.forEach((t) => this.creating.delete(t)));
      mine.forEach((t) => this.creating.set(t, p));
      pending.push(p);
    }
    await Promise.all(pending);
  }

  private async createTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const toCreate = topics.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      this.replicationFactor ??= Math.min(3, (await this.admin.describeCluster()).brokers.length);
      try {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: toCreate.map((topic) => ({
            topic,
            numPartitions: this.opts.topicPartitions?.[topic] ?? this.opts.partitions ?? 6,
            replicationFactor: this.replicationFactor,
          })),
        });
      } catch (err) {
        // another process created one of them first
        if (
          (err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' &&
          !/already exists/i.test(String(err))
        )
          throw err;
      }
    }
    for (const t of topics) this.known.add(t);
  }

  private async publishDeadLetter(dead: OutgoingMessage): Promise<void> {
    await this.ensureTopics([this.deadLetterTopic]);
    // not through publish(): a closing bus still dead-letters what its draining handlers give up on
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [checkOutgoing(this.deadLetterTopic, dead, 0)],
    });
  }

  private kafkaLog({ level, namespace, log }: LogEntry): void {
    const { message, ...extra } = log;
    const fields = Object.entries(extra)
      .filter(([k, v]) => k !== 'timestamp' && k !== 'logger' && k !== 'stack' && v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    const line = `kafkajs ${namespace}: ${message}${fields ? ` (${fields})` : ''}`;
    // we bound producer retries on purpose (a publish must fail rather than hang); duplicates from an
    // app-level retry are dropped by idempotent consumers, so this warning is expected
    if (/Limiting retries for the idempotent producer/.test(message)) return;
    if (level === logLevel.ERROR) this.log.error(line);
    else if (level === logLevel.WARN) this.log.warn(line);
    else this.log.log(line);
  }
}

interface SubscriptionConfig {
  groupId: string;
  topics: string[];
  handler: SubscribeOptions['handler'];
  concurrency: number;
  policy: RetryPolicy;
  fromBeginning?: boolean;
  observer?: BusObserver;
  sessionTimeout: number;
  heartbeatInterval: number;
  maxWaitTimeInMs: number;
  retry: RetryOptions;
  deadLetter(dead: OutgoingMessage): Promise<void>;
  onClosed(): void;
}

/** One kafkajs consumer in a group, supervised: recreated if kafkajs stops it for good. */
class KafkaSubscription implements Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  private consumer?: Consumer;
  private stopping = false;
  private readonly abort = new AbortController();
  private inFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private restartTimer?: NodeJS.Timeout;
  private closed?: Promise<void>;
  private generation = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly log: BusLogger,
    private readonly cfg: SubscriptionConfig,
  ) {
    this.groupId = cfg.groupId;
    this.topics = cfg.topics;
  }

  /** Starts the consumer and resolves once it has joined its group (kafkajs run() resolves after the join). */
  async start(joinTimeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`group ${this.groupId} did not join within ${joinTimeoutMs} ms`)),
        joinTimeoutMs,
      );
    });
    try {
      await Promise.race([this.startConsumer().then(({ joined }) => joined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return (this.closed ??= (async () => {
      this.stopping = true;
      this.abort.abort();
      clearTimeout(this.restartTimer);
      try {
        await this.drained();
        await this.consumer?.disconnect();
      } finally {
        this.cfg.onClosed();
      }
    })());
  }

  private async startConsumer(): Promise<{ consumer: Consumer; joined: Promise<void> }> {
    const generation = ++this.generation;
    const consumer = this.kafka.consumer({
      groupId: this.cfg.groupId,
      sessionTimeout: this.cfg.sessionTimeout,
      heartbeatInterval: this.cfg.heartbeatInterval,
      maxWaitTimeInMs: this.cfg.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
      retry: this.cfg.retry,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) reject(e.payload.error);
      });
    });
    joined.catch(() => undefined); // observed by start(); restarts only log
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart || this.stopping || generation !== this.generation) return;
      // kafkajs gave up on this consumer (e.g. no broker reachable for longer than its retries)
      this.log.error(`consumer of group ${this.groupId} stopped: ${String(e.payload.error)}`);
      this.scheduleRestart(1);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.cfg.topics, fromBeginning: this.cfg.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.cfg.concurrency,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    return { consumer, joined };
  }

  /** Replaces a consumer kafkajs stopped for good, with growing waits while the broker stays away. */
  private scheduleRestart(attempt: number): void {
    if (this.stopping) return;
    const delay = Math.min(5000, 500 * 2 ** (attempt - 1));
    this.log.warn(`recreating the consumer of group ${this.groupId} in ${delay} ms (attempt ${attempt})`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.startConsumer().catch((err: unknown) => {
        this.log.error(`consumer of group ${this.groupId} could not start: ${String(err)}`);
        this.scheduleRestart(attempt + 1);
      });
    }, delay);
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    for (const m of batch.messages) {
      if (this.stopping || !isRunning() || isStale()) return;
      this.inFlight++;
      // keep the group membership alive while a slow handler (an LLM call) runs
      const beat = setInterval(() => void heartbeat().catch(() => undefined), this.cfg.heartbeatInterval);
      try {
        const message = toBusMessage(topic, partition, m);
        const commit = await deliverMessage(this.cfg.handler, message, {
          groupId: this.groupId,
          policy: this.cfg.policy,
          observer: this.cfg.observer,
          stopping: () => this.stopping,
          sleep: (ms) => abortableSleep(ms, this.abort.signal),
          logger: this.log,
          deadLetter: (dead) => this.cfg.deadLetter(dead),
        });
        if (!commit) return; // not committed: redelivered to whoever reads next
        resolveOffset(m.offset);
        await commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: (BigInt(m.offset) + 1n).toString() }] }],
        });
      } finally {
        clearInterval(beat);
        this.inFlight--;
        if (this.inFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
      }
      await heartbeat();
    }
  }

  private drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}

function toBusMessage(topic: string, partition: number, m: KafkaMessage): Omit<BusMessage, 'attempt'> {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value ?? Buffer.alloc(0),
    headers: toHeaders(m.headers),
    timestamp: Number(m.timestamp),
  };
}

function toHeaders(h: IHeaders | undefined): BusHeaders {
  const out: BusHeaders = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}
