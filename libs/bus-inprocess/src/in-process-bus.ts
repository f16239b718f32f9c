import { Logger } from '@nestjs/common';
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
  type MessageHandler,
  type OutgoingMessage,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
} from '@engram/ports';

export interface InProcessBusOptions {
  /** Partitions per topic (default 8): how many keys can be worked on in parallel per group. */
  partitions?: number;
  /** Per-topic partition counts, overriding `partitions`. */
  topicPartitions?: Record<string, number>;
  /** Default `engram.dead-letter.v1`. */
  deadLetterTopic?: string;
  /**
   * Messages kept per partition (default 100 000). Messages every group has committed are dropped
   * earlier; beyond this cap the oldest go even if a group has not read them (like Kafka retention).
   */
  retention?: number;
  observer?: BusObserver;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Jitter source for backoff (tests pass a seeded one). */
  random?: () => number;
}

interface StoredMessage {
  key: string | null;
  value: Buffer;
  headers: BusHeaders;
  timestamp: number;
}

/** One partition's log: offsets `base … base + messages.length - 1` are retained. */
class PartitionLog {
  base = 0;
  readonly messages: StoredMessage[] = [];
  readonly listeners = new Set<() => void>();

  get end(): number {
    return this.base + this.messages.length;
  }

  append(m: StoredMessage): void {
    this.messages.push(m);
    for (const l of [...this.listeners]) l();
  }

  trimTo(offset: number): void {
    const n = Math.min(this.messages.length, offset - this.base);
    if (n <= 0) return;
    this.messages.splice(0, n);
    this.base += n;
  }
}

class TopicLog {
  private next = 0;
  constructor(
    readonly name: string,
    readonly partitions: PartitionLog[],
  ) {}

  partitionFor(key: string | null): number {
    if (key === null) return this.next++ % this.partitions.length;
    return fnv1a(key) % this.partitions.length;
  }
}

/** A subscriber: its handler, its share of the work (concurrency) and what it has in flight. */
class Member {
  closing = false;
  active = 0;
  private slotWaiters: (() => void)[] = [];
  private drained: (() => void)[] = [];
  readonly abort = new AbortController();

  constructor(
    readonly seq: number,
    readonly topics: readonly string[],
    readonly handler: MessageHandler,
    readonly concurrency: number,
    readonly policy: RetryPolicy,
  ) {}

  /** Takes a work slot, or returns false at once if all are busy (the worker waits for a wake-up). */
  tryAcquire(): boolean {
    if (this.closing || this.active >= this.concurrency) return false;
    this.active++;
    return true;
  }

  release(): void {
    this.active--;
    for (const w of this.slotWaiters.splice(0)) w();
    if (this.active === 0) for (const d of this.drained.splice(0)) d();
  }

  onSlotFree(fn: () => void): void {
    this.slotWaiters.push(fn);
  }

  whenDrained(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  sleep(ms: number): Promise<void> {
    return abortableSleep(ms, this.abort.signal);
  }
}

class Group {
  readonly members: Member[] = [];
  /** Next offset to read, per `topic/partition`. */
  readonly committed = new Map<string, number>();
  /** Running partition workers, by `topic/partition` (the token tells a restarted worker apart). */
  readonly workers = new Map<string, object>();
  readonly wakers = new Map<string, () => void>();

  constructor(readonly id: string) {}

  membersOf(topic: string): Member[] {
    return this.members.filter((m) => !m.closing && m.topics.includes(topic));
  }

  wakeAll(): void {
    for (const w of [...this.wakers.values()]) w();
  }
}

const pk = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * The bus inside one process (standalone shape): Kafka's model (topics, partitions by key, consumer
 * groups with committed offsets) in memory, with the same delivery contract as the Kafka adapter
 * (see MessageBus in libs/ports). Not durable: a crash loses what is in memory, so producers that
 * need durability write an outbox first. Offsets survive a subscriber's close and re-subscribe on
 * the same bus instance.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly workers = new Set<Promise<void>>();
  private readonly log: Pick<Logger, 'warn' | 'error'>;
  private readonly deadLetterTopic: string;
  private readonly retention: number;
  private memberSeq = 0;
  private closing = false;
  private closed?: Promise<void>;

  constructor(private readonly opts: InProcessBusOptions = {}) {
    this.log = opts.logger ?? new Logger('bus');
    this.deadLetterTopic = opts.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC;
    this.retention = opts.retention ?? 100_000;
    if (!(this.retention >= 1)) throw new RangeError('retention must be ≥ 1');
    positiveInt(opts.partitions ?? 8, 'partitions');
    for (const [t, n] of Object.entries(opts.topicPartitions ?? {})) positiveInt(n, `topicPartitions.${t}`);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await observePublish(this.opts.observer, topic, messages.length, () => {
      if (this.closing) throw new Error('message bus is closed');
      this.append(
        topic,
        messages.map((m, i) => validateOutgoing(topic, m, i)),
      );
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closing) throw new Error('message bus is closed');
    const { topics, concurrency, policy } = checkSubscribeOptions(options);

    const group = this.groups.get(options.groupId) ?? new Group(options.groupId);
    this.groups.set(group.id, group);
    const member = new Member(++this.memberSeq, topics, options.handler, concurrency, policy);
    for (const t of topics) {
      const log = this.topic(t);
      log.partitions.forEach((p, i) => {
        // a new group starts at the oldest retained message, or (fromBeginning: false) at the end
        if (!group.committed.has(pk(t, i)))
          group.committed.set(pk(t, i), options.fromBeginning === false ? p.end : p.base);
      });
    }
    group.members.push(member);
    group.wakeAll();
    for (const t of topics) this.topic(t).partitions.forEach((_, i) => this.ensureWorker(group, t, i));

    let closed: Promise<void> | undefined;
    const sub: Subscription = {
      groupId: group.id,
      topics,
      close: () =>
        (closed ??= (async () => {
          member.closing = true;
          member.abort.abort();
          group.wakeAll(); // workers waiting on this member pick another one (or stop)
          await member.whenDrained();
          const i = group.members.indexOf(member);
          if (i >= 0) group.members.splice(i, 1);
          if (options.ephemeral && !group.members.length) this.groups.delete(group.id);
          this.subscriptions.delete(sub);
        })()),
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async lag(groupId?: string): Promise<ConsumerLag[]> {
    const groups =
      groupId === undefined
        ? [...this.groups.values()]
        : [this.groups.get(groupId)].filter((g) => g !== undefined);
    const out: ConsumerLag[] = [];
    for (const g of groups) {
      for (const [key, committed] of g.committed) {
        const slash = key.lastIndexOf('/');
        const topic = key.slice(0, slash);
        const partition = Number(key.slice(slash + 1));
        const p = this.topics.get(topic)?.partitions[partition];
        if (!p) continue;
        out.push({
          groupId: g.id,
          topic,
          partition,
          committedOffset: String(committed),
          endOffset: String(p.end),
          lag: Math.max(0, p.end - Math.max(committed, p.base)),
        });
      }
    }
    return out.sort(compareLag);
  }

  close(): Promise<void> {
    return (this.closed ??= (async () => {
      this.closing = true;
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      for (const g of this.groups.values()) g.wakeAll();
      await Promise.all([...this.workers]);
    })());
  }

  /** Partition count of a topic (created on first use). */
  partitionsOf(topic: string): number {
    return this.topic(topic).partitions.length;
  }

  private topic(name: string): TopicLog {
    let t = this.topics.get(name);
    if (!t) {
      const n = this.opts.topicPartitions?.[name] ?? this.opts.partitions ?? 8;
      t = new TopicLog(
        name,
        Array.from({ length: n }, () => new PartitionLog()),
      );
      this.topics.set(name, t);
    }
    return t;
  }

  private append(topic: string, messages: StoredMessage[]): void {
    const t = this.topic(topic);
    for (const m of messages) {
      const p = t.partitions[t.partitionFor(m.key)]!;
      p.append(m);
      if (p.messages.length > this.retention) p.trimTo(p.end - this.retention);
    }
  }

  private ensureWorker(group: Group, topic: string, partition: number): void {
    const id = pk(topic, partition);
    if (group.workers.has(id)) {
      group.wakers.get(id)?.();
      return;
    }
    const token = {};
    group.workers.set(id, token);
    const run = this.runWorker(group, topic, partition, token)
      .catch((err: unknown) =>
        this.log.error(`bus worker ${group.id} ${id} stopped: ${(err as Error)?.stack ?? String(err)}`),
      )
      .finally(() => {
        if (group.workers.get(id) === token) group.workers.delete(id);
        this.workers.delete(run);
      });
    this.workers.add(run);
  }

  /**
   * One loop per group and partition: takes the next uncommitted message, hands it to one member of
   * the group, and commits after the handler (or the dead letter) is done. One message at a time per
   * partition, so order per key holds whichever member handles it.
   */
  private async runWorker(group: Group, topic: string, partition: number, token: object): Promise<void> {
    const id = pk(topic, partition);
    const log = this.topic(topic).partitions[partition]!;
    for (;;) {
      const members = group.membersOf(topic);
      if (members.length === 0) {
        // no one to deliver to; unregister in the same tick, so the next subscribe() starts a new worker
        if (group.workers.get(id) === token) group.workers.delete(id);
        return;
      }
      let position = group.committed.get(id) ?? log.base;
      if (position < log.base) {
        this.log.warn(`bus: group ${group.id} lost ${log.base - position} messages on ${id} to retention`);
        position = log.base;
        group.committed.set(id, position);
      }
      // the partition's owner: a stable pick among the group's members on this topic
      const member = members[partition % members.length]!;
      if (position >= log.end) {
        await this.waitForChange(group, id, log);
        continue;
      }
      if (!member.tryAcquire()) {
        await this.waitForChange(group, id, log, member);
        continue;
      }
      const stored = log.messages[position - log.base]!;
      const message: Omit<BusMessage, 'attempt'> = {
        topic,
        partition,
        offset: String(position),
        key: stored.key,
        value: stored.value,
        headers: { ...stored.headers },
        timestamp: stored.timestamp,
      };
      try {
        const commit = await deliverMessage(member.handler, message, {
          groupId: group.id,
          policy: member.policy,
          observer: this.opts.observer,
          stopping: () => member.closing,
          sleep: (ms) => member.sleep(ms),
          random: this.opts.random,
          logger: this.log,
          deadLetter: (dead) =>
            this.append(this.deadLetterTopic, [validateOutgoing(this.deadLetterTopic, dead, 0)]),
        });
        if (commit) {
          group.committed.set(id, position + 1);
          this.trimConsumed(topic, partition);
        }
      } finally {
        member.release();
      }
    }
  }

  /** Waits for a new message, a membership change, or a free slot on the member. */
  private waitForChange(group: Group, id: string, log: PartitionLog, busy?: Member): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        log.listeners.delete(done);
        if (group.wakers.get(id) === done) group.wakers.delete(id);
        resolve();
      };
      log.listeners.add(done);
      group.wakers.set(id, done);
      busy?.onSlotFree(done);
    });
  }

  /** Drops messages that every group reading the topic has committed. */
  private trimConsumed(topic: string, partition: number): void {
    const key = pk(topic, partition);
    let min = Infinity;
    for (const g of this.groups.values()) {
      const c = g.committed.get(key);
      if (c !== undefined) min = Math.min(min, c);
    }
    if (Number.isFinite(min)) this.topic(topic).partitions[partition]!.trimTo(min);
  }
}

function validateOutgoing(topic: string, m: OutgoingMessage, i: number): StoredMessage {
  const { key, value, headers } = checkOutgoing(topic, m, i);
  // copy: later changes to the caller's buffer must not change what was published
  const copy = Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(value, 'utf8');
  return { key, value: copy, headers, timestamp: Date.now() };
}

function positiveInt(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be an integer ≥ 1, got ${n}`);
}

/** FNV-1a over UTF-16 code units: a stable, well-spread key → partition map. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
