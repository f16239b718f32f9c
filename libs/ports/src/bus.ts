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
 */

import { createHash } from 'node:crypto';
import { encodeEvent, TOPICS, type DeadLetterEvent } from '@engram/contracts';

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

export function isRetriable(err: unknown): boolean {
  if (err && typeof err === 'object') {
    if ((err as { retriable?: unknown }).retriable === false) return false;
    if ((err as { name?: unknown }).name === 'InvalidEventError') return false;
  }
  return true;
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

/** The order of a `lag()` report: by group, topic, then partition. */
export function compareLag(a: ConsumerLag, b: ConsumerLag): number {
  return a.groupId.localeCompare(b.groupId) || a.topic.localeCompare(b.topic) || a.partition - b.partition;
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

/** The dead-letter topic adapters use unless configured otherwise. */
export const DEFAULT_DEAD_LETTER_TOPIC: string = TOPICS.deadLetter;

export function resolveRetryPolicy(partial?: Partial<RetryPolicy>): RetryPolicy {
  const p = {
    ...DEFAULT_RETRY_POLICY,
    ...Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)),
  };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1)
    throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${p.maxAttempts}`);
  if (!(p.initialBackoffMs >= 0) || !(p.maxBackoffMs >= 0) || !(p.multiplier >= 1))
    throw new RangeError('retry backoffs must be ≥ 0 and multiplier ≥ 1');
  return p;
}

export type DeliveryResult =
  | { outcome: 'ok'; attempts: number }
  | { outcome: 'dead-letter'; attempts: number; error: unknown }
  | { outcome: 'aborted'; attempts: number; error: unknown };

export interface DeliveryContext {
  groupId: string;
  policy: RetryPolicy;
  observer?: BusObserver;
  /** True once the subscriber is closing: no further retries, the message stays uncommitted. */
  stopping(): boolean;
  /** Waits between attempts; should return early when closing. */
  sleep(ms: number): Promise<void>;
  random?: () => number;
}

/**
 * The retry half of the delivery contract, shared by the adapters: calls the handler until it
 * resolves (`ok`), fails `maxAttempts` times or with a non-retriable error (`dead-letter`: the caller
 * publishes `deadLetterMessage` and commits), or the subscriber closes between attempts (`aborted`:
 * the caller must NOT commit, so the message is redelivered).
 */
export async function deliverWithRetries(
  handler: MessageHandler,
  message: Omit<BusMessage, 'attempt'>,
  ctx: DeliveryContext,
): Promise<DeliveryResult> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    const report = (outcome: DeliveryOutcome, error?: unknown) =>
      notify(ctx.observer, 'handled', {
        topic: message.topic,
        groupId: ctx.groupId,
        partition: message.partition,
        offset: message.offset,
        attempt,
        durationMs: performance.now() - started,
        outcome,
        ...(error === undefined ? {} : { error }),
      });
    try {
      await handler({ ...message, attempt });
      report('ok');
      return { outcome: 'ok', attempts: attempt };
    } catch (error) {
      if (attempt >= ctx.policy.maxAttempts || !isRetriable(error)) {
        report('dead-letter', error);
        return { outcome: 'dead-letter', attempts: attempt, error };
      }
      if (ctx.stopping()) {
        report('aborted', error);
        return { outcome: 'aborted', attempts: attempt, error };
      }
      report('retry', error);
      await ctx.sleep(retryBackoffMs(ctx.policy, attempt, ctx.random));
      if (ctx.stopping()) return { outcome: 'aborted', attempts: attempt, error };
    }
  }
}

/**
 * What an adapter does with each message it reads: `deliverWithRetries`, then on `dead-letter` logs
 * and hands `deadLetterMessage` to `deadLetter` (which must have stored it before resolving). Returns
 * whether the offset may be committed: true once handled or dead-lettered, false when aborted by close().
 */
export async function deliverMessage(
  handler: MessageHandler,
  message: Omit<BusMessage, 'attempt'>,
  ctx: DeliveryContext & {
    deadLetter(dead: OutgoingMessage): Promise<void> | void;
    logger?: { warn(line: string): void };
  },
): Promise<boolean> {
  const result = await deliverWithRetries(handler, message, ctx);
  if (result.outcome === 'aborted') return false;
  if (result.outcome === 'dead-letter') {
    ctx.logger?.warn(
      `bus: ${ctx.groupId} dead-lettered ${message.topic}/${message.partition}@${message.offset} after ${result.attempts} attempt(s): ${String(result.error)}`,
    );
    await ctx.deadLetter(deadLetterMessage(message, ctx.groupId, result.error, result.attempts));
  }
  return true;
}

/** Runs a publish and reports it (count, duration, error) to the observer's `published` hook. */
export async function observePublish(
  observer: BusObserver | undefined,
  topic: string,
  count: number,
  publish: () => Promise<void> | void,
): Promise<void> {
  const started = performance.now();
  try {
    await publish();
    notify(observer, 'published', { topic, count, durationMs: performance.now() - started });
  } catch (error) {
    notify(observer, 'published', { topic, count, durationMs: performance.now() - started, error });
    throw error;
  }
}

/** `subscribe` arguments checked (throws TypeError / RangeError) and normalised. */
export function checkSubscribeOptions(options: SubscribeOptions): {
  topics: string[];
  concurrency: number;
  policy: RetryPolicy;
} {
  const topics = [...new Set(typeof options.topic === 'string' ? [options.topic] : options.topic)];
  if (topics.length === 0 || topics.some((t) => typeof t !== 'string' || t.length === 0))
    throw new TypeError('subscribe: topic must be a non-empty string or list of them');
  if (!options.groupId) throw new TypeError('subscribe: groupId is required');
  if (typeof options.handler !== 'function') throw new TypeError('subscribe: handler must be a function');
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  return { topics, concurrency, policy: resolveRetryPolicy(options.retry) };
}

/** The i-th message of a `publish(topic, …)` checked (throws TypeError), with its headers copied. */
export function checkOutgoing(
  topic: string,
  m: OutgoingMessage,
  i: number,
): { key: string | null; value: Buffer | string; headers: BusHeaders } {
  if (typeof topic !== 'string' || topic.length === 0)
    throw new TypeError('publish: topic must be a non-empty string');
  if (m === null || typeof m !== 'object') throw new TypeError(`publish: messages[${i}] must be an object`);
  if (m.key !== null && typeof m.key !== 'string')
    throw new TypeError(`publish: messages[${i}].key must be a string or null`);
  if (!Buffer.isBuffer(m.value) && typeof m.value !== 'string')
    throw new TypeError(`publish: messages[${i}].value must be a Buffer or string`);
  const headers: BusHeaders = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (typeof v !== 'string') throw new TypeError(`publish: messages[${i}].headers.${k} must be a string`);
    headers[k] = v;
  }
  return { key: m.key, value: m.value, headers };
}

/** Waits `ms`, or less if `signal` aborts (at once if it already has): retry backoff that close() cuts short. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Calls an observer hook, never letting it break delivery. */
export function notify<K extends keyof BusObserver>(
  observer: BusObserver | undefined,
  hook: K,
  event: Parameters<NonNullable<BusObserver[K]>>[0],
): void {
  const fn = observer?.[hook] as ((e: typeof event) => void) | undefined;
  if (!fn) return;
  try {
    fn.call(observer, event);
  } catch {
    /* metrics must not break delivery */
  }
}

const MAX_ERROR_HEADER = 1024;
const TENANT = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The dead letter for a message whose handler gave up: a contracts `DeadLetterEvent` (original key and
 * value byte for byte, where it came from, the error) keyed like the original, with the original
 * headers and the error in `DEAD_LETTER_HEADERS`. Its event id is derived from group, topic,
 * partition and offset, so dead-lettering the same message twice gives the same id.
 */
export function deadLetterMessage(
  message: Omit<BusMessage, 'attempt'>,
  groupId: string,
  error: unknown,
  attempts: number,
  now: Date = new Date(),
): OutgoingMessage {
  const errorText = describeError(error);
  const readable = `dlq:${groupId}:${message.topic}:${message.partition}:${message.offset}`;
  const event: DeadLetterEvent = {
    schema_version: 1,
    event_id:
      readable.length <= 256 ? readable : `dlq:${createHash('sha256').update(readable).digest('hex')}`,
    occurred_at: now.toISOString(),
    source_topic: message.topic,
    source_partition: message.partition,
    source_offset: message.offset,
    source_key: message.key,
    source_value_base64: message.value.toString('base64'),
    consumer_group: groupId,
    error: errorText,
    attempts: Math.max(1, attempts),
  };
  const tenant = tenantOf(message.value);
  if (tenant) event.tenant_id = tenant;
  const encoded = encodeEvent(TOPICS.deadLetter, event);
  return {
    key: encoded.key,
    value: encoded.value,
    headers: {
      ...message.headers,
      ...encoded.headers,
      [DEAD_LETTER_HEADERS.error]: errorText.slice(0, MAX_ERROR_HEADER),
      [DEAD_LETTER_HEADERS.errorName]: errorName(error),
      [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.consumerGroup]: groupId,
      [DEAD_LETTER_HEADERS.attempts]: String(Math.max(1, attempts)),
    },
  };
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.trim().length > 0 ? text : 'unknown error';
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function tenantOf(value: Buffer): string | undefined {
  if (value.length === 0 || value.length > 4 * 1024 * 1024 || value[0] !== 0x7b /* { */) return undefined;
  try {
    const t = (JSON.parse(value.toString('utf8')) as { tenant_id?: unknown }).tenant_id;
    return typeof t === 'string' && TENANT.test(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
