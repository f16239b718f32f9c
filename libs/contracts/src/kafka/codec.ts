import type { z } from 'zod';
import { EVENT_SCHEMAS, type EventOf } from './events';
import { cubeKey, taskKey } from './keys';
import { isTopic, TOPICS, type Topic } from './topics';

/** An event that does not match its topic's schema (on encode or decode): never retried, dead-lettered. */
export class InvalidEventError extends Error {
  constructor(
    readonly topic: string,
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(`${topic}: ${message}`);
    this.name = 'InvalidEventError';
  }
}

/** What a producer sends: the key decides the partition, and so what stays in order. */
export interface EncodedEvent {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export const SCHEMA_HEADER = 'engram-schema';

/** Validates and serialises an event; an invalid event is never published. */
export function encodeEvent<T extends Topic>(topic: T, event: EventOf<T>): EncodedEvent {
  const valid = validate(topic, event);
  return {
    key: keyOf(topic, valid),
    value: JSON.stringify(valid),
    headers: { [SCHEMA_HEADER]: topic, 'content-type': 'application/json' },
  };
}

/** Parses and validates a consumed message value; throws InvalidEventError naming every bad field. */
export function decodeEvent<T extends Topic>(
  topic: T,
  value: Buffer | string | null | undefined,
): EventOf<T> {
  if (!isTopic(topic)) throw new InvalidEventError(topic, 'unknown topic');
  if (value === null || value === undefined || value.length === 0)
    throw new InvalidEventError(topic, 'empty message');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    throw new InvalidEventError(topic, `not JSON: ${(err as Error).message}`);
  }
  const version = (parsed as { schema_version?: unknown } | null)?.schema_version;
  const expected = Number(topic.slice(topic.lastIndexOf('.v') + 2));
  if (typeof version === 'number' && version !== expected) {
    throw new InvalidEventError(
      topic,
      `unsupported schema_version ${version} (this topic carries ${expected})`,
    );
  }
  return validate(topic, parsed);
}

function validate<T extends Topic>(topic: T, event: unknown): EventOf<T> {
  const schema: z.ZodTypeAny = EVENT_SCHEMAS[topic];
  const r = schema.safeParse(event);
  if (r.success) return r.data as EventOf<T>;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'event'}: ${i.message}`);
  throw new InvalidEventError(topic, `invalid event: ${issues.join('; ')}`, issues);
}

/** The key of each topic's events (see keys.ts for why). */
const KEY_OF: { [T in Topic]: (event: EventOf<T>) => string } = {
  [TOPICS.rawInput]: (e) => cubeKey(e.tenant_id, e.cube_id),
  [TOPICS.candidates]: (e) => cubeKey(e.tenant_id, e.cube_id),
  [TOPICS.memoryChanges]: (e) => cubeKey(e.tenant_id, e.cube_id),
  [TOPICS.taskEvents]: (e) => taskKey(e.tenant_id, e.task_id),
  // a dead letter keeps its original key, so it lands next to its siblings
  [TOPICS.deadLetter]: (e) => e.source_key ?? e.source_topic,
};

function keyOf<T extends Topic>(topic: T, event: EventOf<T>): string {
  return (KEY_OF[topic] as (e: EventOf<T>) => string)(event);
}
