/**
 * The delivery engine the message-bus adapters share (libs/bus-inprocess, libs/bus-kafka): retries with
 * backoff, dead-lettering as a contracts `DeadLetterEvent`, observer hooks, the checks on `subscribe`
 * and `publish` arguments. The port it implements (types, guarantees) is libs/ports/src/bus.ts.
 */

import { createHash } from 'node:crypto';
import { encodeEvent, TOPICS, type DeadLetterEvent } from '@engram/contracts';
import {
  DEAD_LETTER_HEADERS,
  DEFAULT_RETRY_POLICY,
  retryBackoffMs,
  type BusHeaders,
  type BusMessage,
  type BusObserver,
  type ConsumerLag,
  type DeliveryOutcome,
  type MessageHandler,
  type OutgoingMessage,
  type RetryPolicy,
  type SubscribeOptions,
} from '@engram/ports';

/** Whether a handler's error is worth another attempt (`NonRetriableError` and `InvalidEventError` are not). */
export function isRetriable(err: unknown): boolean {
  if (err && typeof err === 'object') {
    if ((err as { retriable?: unknown }).retriable === false) return false;
    if ((err as { name?: unknown }).name === 'InvalidEventError') return false;
  }
  return true;
}

/** The order of a `lag()` report: by group, topic, then partition. */
export function compareLag(a: ConsumerLag, b: ConsumerLag): number {
  return a.groupId.localeCompare(b.groupId) || a.topic.localeCompare(b.topic) || a.partition - b.partition;
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
