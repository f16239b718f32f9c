import { decodeEvent, isTopic, SCHEMA_HEADER, TOPICS, type DeadLetterEvent } from '@engram/contracts';
import type { DeadLetterRecord } from './dead-letters';
import {
  DEAD_LETTER_HEADERS,
  type BusHeaders,
  type BusMessage,
  type MessageBus,
  type Subscription,
} from '@engram/ports';

/** Headers on a replayed message: which replay it is, and of which dead letter. */
export const REPLAY_HEADERS = { count: 'engram-replay', of: 'engram-replay-of' } as const;

export const MAX_DEAD_LETTERS = 10_000;

export interface DeadLetterEntry {
  record: DeadLetterRecord;
  /** The failed message as first published: absent when the dead letter is unreadable. */
  original?: { key: string | null; value: Buffer; headers: BusHeaders };
  /** How many replays the failed message already was (0: a first delivery). */
  replays: number;
  /** Read order, the tie-break for "newest first". */
  seq: number;
  eventId?: string;
}

const DLQ_PREFIX = 'engram-dlq-';

/**
 * The dead letters this process has read, in memory and bounded (the oldest read are dropped first):
 * a view rebuilt from `engram.dead-letter.v1` at start, like the task state. A dead letter that does
 * not decode is kept with its error (from the bus's headers where they say more), so an operator
 * sees it; it cannot be replayed.
 */
export class DeadLetterView {
  private readonly entries = new Map<string, DeadLetterEntry>();
  /** event_id → id: the bus may dead-letter one message twice (crash before commit), same event id. */
  private readonly byEvent = new Map<string, string>();
  private seq = 0;

  constructor(private readonly max = MAX_DEAD_LETTERS) {}

  add(m: BusMessage): void {
    const id = `${m.topic}/${m.partition}/${m.offset}`;
    if (this.entries.has(id)) return; // redelivered to this view
    let event: DeadLetterEvent | undefined;
    let decodeError: string | undefined;
    try {
      event = decodeEvent(TOPICS.deadLetter, m.value);
    } catch (err) {
      decodeError = (err as Error).message;
    }
    if (event && this.entries.has(this.byEvent.get(event.event_id) ?? '')) return;
    const headers = originalHeaders(m.headers, event?.source_topic);
    const replayOf = headers[REPLAY_HEADERS.of];
    const record: DeadLetterRecord = {
      id,
      ...(event ? fromEvent(event) : fromHeaders(m)),
      ...(replayOf ? { replay_of: replayOf } : {}),
      ...(decodeError ? { decode_error: decodeError } : {}),
    };
    const entry: DeadLetterEntry = {
      record,
      replays: Number(headers[REPLAY_HEADERS.count]) || 0,
      seq: this.seq++,
      ...(event ? { eventId: event.event_id } : {}),
      ...(event
        ? {
            original: {
              key: event.source_key,
              value: Buffer.from(event.source_value_base64, 'base64'),
              headers,
            },
          }
        : {}),
    };
    this.entries.set(id, entry);
    if (event) this.byEvent.set(event.event_id, id);
    // a replay that failed again proves its dead letter was replayed, even by an earlier process
    const replayed = replayOf ? this.entries.get(replayOf) : undefined;
    if (replayed && !replayed.record.replayed_at) replayed.record.replayed_at = record.dead_lettered_at;
    for (const [old, e] of this.entries) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(old);
      if (e.eventId) this.byEvent.delete(e.eventId);
    }
  }

  get(id: string): DeadLetterEntry | undefined {
    return this.entries.get(id);
  }

  /** Newest first (by dead-letter time, then read order), optionally of one source topic. */
  select(sourceTopic?: string): DeadLetterEntry[] {
    return [...this.entries.values()]
      .filter((e) => !sourceTopic || e.record.source_topic === sourceTopic)
      .sort((a, b) => b.record.dead_lettered_at.localeCompare(a.record.dead_lettered_at) || b.seq - a.seq);
  }

  list(query: { source_topic?: string; limit: number }): { total: number; items: DeadLetterRecord[] } {
    const all = this.select(query.source_topic);
    return { total: all.length, items: all.slice(0, query.limit).map((e) => ({ ...e.record })) };
  }

  get size(): number {
    return this.entries.size;
  }
}

function fromEvent(e: DeadLetterEvent): Omit<DeadLetterRecord, 'id'> {
  const raw = e.source_topic === TOPICS.rawInput ? rawInputOf(e.source_value_base64) : undefined;
  return {
    source_topic: e.source_topic,
    source_partition: e.source_partition,
    source_offset: e.source_offset,
    source_key: e.source_key,
    consumer_group: e.consumer_group,
    error: e.error,
    attempts: e.attempts,
    dead_lettered_at: e.occurred_at,
    ...(e.tenant_id ? { tenant_id: e.tenant_id } : {}),
    ...(raw ? { raw_input: raw } : {}),
  };
}

/** An unreadable dead letter: what the bus's headers still say about it. */
function fromHeaders(m: BusMessage): Omit<DeadLetterRecord, 'id'> {
  const h = m.headers;
  return {
    source_topic: h[DEAD_LETTER_HEADERS.sourceTopic] ?? '',
    source_partition: Number(h[DEAD_LETTER_HEADERS.sourcePartition] ?? -1),
    source_offset: h[DEAD_LETTER_HEADERS.sourceOffset] ?? '',
    source_key: m.key,
    consumer_group: h[DEAD_LETTER_HEADERS.consumerGroup] ?? '',
    error: h[DEAD_LETTER_HEADERS.error] ?? '',
    attempts: Number(h[DEAD_LETTER_HEADERS.attempts] ?? 0),
    dead_lettered_at: new Date(m.timestamp).toISOString(),
  };
}

function rawInputOf(base64: string): DeadLetterRecord['raw_input'] {
  try {
    const e = decodeEvent(TOPICS.rawInput, Buffer.from(base64, 'base64'));
    return { tenant_id: e.tenant_id, task_id: e.task_id, cube_id: e.cube_id, user_id: e.user_id };
  } catch {
    return undefined; // listed without it; the bytes are still replayed as they were
  }
}

/** The dead letter's headers are the original's plus the bus's: take those off again. */
function originalHeaders(h: BusHeaders, sourceTopic: string | undefined): BusHeaders {
  const out: BusHeaders = {};
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(DLQ_PREFIX) && k !== SCHEMA_HEADER) out[k] = v;
  if (sourceTopic && isTopic(sourceTopic)) out[SCHEMA_HEADER] = sourceTopic;
  return out;
}

/**
 * Feeds a dead-letter view from the beginning of the topic under a group of this process's own
 * (`ephemeral`, like `subscribeTasks`). The handler never throws: a dead letter about the
 * dead-letter consumer would feed itself.
 */
export function subscribeDeadLetters(
  bus: MessageBus,
  group: string,
  view: DeadLetterView,
  log?: { warn(line: string): void },
): Promise<Subscription> {
  return bus.subscribe({
    topic: TOPICS.deadLetter,
    groupId: group,
    fromBeginning: true,
    ephemeral: true,
    handler: async (m) => {
      try {
        view.add(m);
      } catch (err) {
        log?.warn(`dead letter ${m.partition}@${m.offset} not kept: ${(err as Error).message}`);
      }
    },
  });
}
