/**
 * The message bus: Kafka in the cluster, an in-process implementation in the standalone shape. Both
 * adapters give the same guarantees (see docs/adr/0007-bus.md and the conformance suite in
 * libs/testing):
 *
 * - `publish` resolves only when every message is durably accepted (Kafka: acks=all from an
 *   idempotent producer; in-process: appended to the in-memory log). A rejected publish may still
 *   have written some of its messages: retry it, and let consumers drop duplicates by event id.
 * - Delivery is at least once. A consumer's offset is committed only after its handler resolved (or
 *   after the message was dead-lettered), so a crash or restart redelivers at most the messages
 *   whose handlers had not finished, and never a committed one.
 * - Order is kept per partition, and the key picks the partition: messages with the same key are
 *   handled one at a time, in publish order (per cube with contracts' `cubeKey`).
 * - A handler that throws is retried with exponential backoff up to `maxAttempts` times, then the
 *   message goes to the dead-letter topic (`engram.dead-letter.v1` unless configured otherwise) as a
 *   contracts `DeadLetterEvent`, with the error in its headers, and its offset is committed.
 * - `close()` stops taking new messages, lets in-flight handlers finish and commits their offsets.
 *
 * The effect is exactly once only if handlers are idempotent (deterministic ids, upserts): a
 * redelivered message must not write twice.
 *
 * This file holds the port only (types, the retry policy and its backoff, the dead-letter headers a
 * consumer reads); the delivery engine both adapters share (retries, dead-lettering, observer hooks,
 * argument checks) is libs/bus.
 */

export type BusHeaders = Record<string, string>;

export interface OutgoingMessage {
  /** Decides the partition and so the order: same key, same order. Null spreads messages round-robin. */
  key: string | null;
  value: Buffer | string;
  headers?: BusHeaders;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Decimal offset within the partition (a string: Kafka offsets are 64-bit). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: BusHeaders;
  /** When the message was appended, epoch milliseconds. */
  timestamp: number;
  /** 1 on the first try in this consumer, 2 on the first retry, … */
  attempt: number;
}

export type MessageHandler = (message: BusMessage) => Promise<void>;

export interface RetryPolicy {
  /** Handler calls per message before it is dead-lettered (1 = no retry). Default 5. */
  maxAttempts: number;
  /** Wait before the first retry. Default 200 ms. */
  initialBackoffMs: number;
  /** Cap on any single wait. Default 10 s. */
  maxBackoffMs: number;
  /** Growth per retry. Default 2. */
  multiplier: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  multiplier: 2,
};

/** Wait before attempt `attempt + 1`, after `attempt` failed calls (attempt ≥ 1), with ±20 % jitter. */
export function retryBackoffMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    policy.maxBackoffMs,
    policy.initialBackoffMs * policy.multiplier ** Math.max(0, attempt - 1),
  );
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}

/**
 * An error a handler throws when retrying cannot help (a malformed event): the message goes to the
 * dead-letter topic at once. Any error with `retriable === false`, or named `InvalidEventError`
 * (libs/contracts), is treated the same way.
 */
export class NonRetriableError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

/** Headers on a dead-lettered message (its value is a contracts `DeadLetterEvent`). */
export const DEAD_LETTER_HEADERS = {
  error: 'engram-dlq-error',
  errorName: 'engram-dlq-error-name',
  sourceTopic: 'engram-dlq-source-topic',
  sourcePartition: 'engram-dlq-source-partition',
  sourceOffset: 'engram-dlq-source-offset',
  consumerGroup: 'engram-dlq-consumer-group',
  attempts: 'engram-dlq-attempts',
} as const;

export interface SubscribeOptions {
  /** One topic or several; the group's offsets are kept per topic and partition. */
  topic: string | readonly string[];
  /** Consumers with the same group share the partitions; each group sees every message. */
  groupId: string;
  handler: MessageHandler;
  /** Partitions this subscriber works on at the same time (order within one is always kept). Default 1. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Where a group with no committed offset starts: the oldest retained message (default) or new ones only. */
  fromBeginning?: boolean;
  /**
   * The group is this subscriber's alone (a per-process view, e.g. every scheduler replica folding
   * every task event): its committed offsets are deleted when the subscription closes, so replicas
   * that come and go leave no groups behind. A crashed process's group is left to the broker's offset
   * retention.
   */
  ephemeral?: boolean;
}

export interface Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Stops fetching, waits for in-flight handlers, commits their offsets. Idempotent. */
  close(): Promise<void>;
}

/** How far a group is behind, per partition. */
export interface ConsumerLag {
  groupId: string;
  topic: string;
  partition: number;
  /** Next offset the group will read (its committed offset), or null when it has committed nothing. */
  committedOffset: string | null;
  /** Offset the next published message will get (the high watermark). */
  endOffset: string;
  /** Messages published but not yet committed by the group. */
  lag: number;
}

export type DeliveryOutcome = 'ok' | 'retry' | 'dead-letter' | 'aborted';

/** Metrics hooks. Called synchronously; must not throw (errors are swallowed) and must be cheap. */
export interface BusObserver {
  /** After a publish call settled. */
  published?(e: { topic: string; count: number; durationMs: number; error?: unknown }): void;
  /** After each handler call: `retry` will be tried again, `aborted` stopped by close() (not committed). */
  handled?(e: {
    topic: string;
    groupId: string;
    partition: number;
    offset: string;
    attempt: number;
    durationMs: number;
    outcome: DeliveryOutcome;
    error?: unknown;
  }): void;
}

export interface MessageBus {
  /** Resolves when every message is durably accepted; rejects otherwise (some may have been written). */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Resolves once the subscriber has joined its group and will receive messages. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Per-partition lag of a group (every known group when none is given) on the topics it consumes. */
  lag(groupId?: string): Promise<ConsumerLag[]>;
  /** Closes every subscription (draining in-flight handlers), then the producer. Idempotent. */
  close(): Promise<void>;
}
