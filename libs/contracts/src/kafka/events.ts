import { MEMORY_STATUSES, MEMORY_TYPES } from '@engram/domain';
import { z } from 'zod';
import { TOPICS } from './topics';

/**
 * Event schemas, one per topic. Every event carries `schema_version` (the topic's version) and an
 * `event_id` that is stable across redeliveries, so consumers can drop duplicates. Unknown fields are
 * dropped on decode: producers may add optional fields without a new topic version.
 */

const id = z.string().min(1).max(256);
const tenantId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9._:-]');
const isoTime = z.string().datetime({ offset: true });
const json = z.record(z.unknown());

const envelope = {
  schema_version: z.literal(1),
  event_id: id,
  tenant_id: tenantId,
  /** When the producer emitted the event. */
  occurred_at: isoTime,
};

/** A message after validation (libs/domain ChatMessage): role checked, id assigned. */
export const NormalizedMessageSchema = z.object({
  message_id: id,
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  parts: z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('image_url'), url: z.string().min(1), detail: z.string().optional() }),
      z.object({
        type: z.literal('file'),
        file_id: z.string().optional(),
        filename: z.string().optional(),
        file_data: z.string().optional(),
      }),
    ]),
  ),
  chat_time: z.string().optional(),
  index: z.number().int().min(0),
});

export const RawInputEventSchema = z.object({
  ...envelope,
  cube_id: id,
  user_id: id,
  session_id: id,
  task_id: id,
  /** The add request's idempotency key or content hash (provenance.ingest_key). */
  ingest_key: id,
  /** The mode the caller asked for; fine extraction runs only when an LLM is configured. */
  mode: z.enum(['fast', 'fine']),
  messages: z.array(NormalizedMessageSchema).min(1),
  chat_history: z.array(NormalizedMessageSchema).optional(),
  custom_tags: z.array(z.string()),
  info: json,
  /** The raw memories the fast path wrote for these messages. */
  raw_memory_ids: z.array(id),
});
export type RawInputEvent = z.infer<typeof RawInputEventSchema>;

/** A memory the extractor proposes. */
export const CandidateMemorySchema = z.object({
  memory: z.string().min(1),
  key: z.string(),
  tags: z.array(z.string()),
  memory_type: z.enum(MEMORY_TYPES),
  confidence: z.number().min(0).max(1),
  background: z.string(),
  /** Provenance: the messages the candidate was drawn from. */
  source_message_ids: z.array(id).min(1),
  info: json,
  valid_from: isoTime.nullable(),
  valid_to: isoTime.nullable(),
  lang: z.string().optional(),
});
export type CandidateMemory = z.infer<typeof CandidateMemorySchema>;

export const CandidatesEventSchema = z.object({
  ...envelope,
  cube_id: id,
  user_id: id,
  session_id: id,
  task_id: id,
  ingest_key: id,
  /** The raw memories the candidates came from; retired only once the candidates are stored. */
  raw_memory_ids: z.array(id),
  extractor: z.object({ model: z.string().min(1), prompt_version: z.string().min(1) }),
  /** May be empty: extraction found nothing, and the raw memories stay. */
  candidates: z.array(CandidateMemorySchema),
});
export type CandidatesEvent = z.infer<typeof CandidatesEventSchema>;

export const MemoryChangeEventSchema = z.object({
  ...envelope,
  cube_id: id,
  memory_id: id,
  change: z.enum(['added', 'updated', 'superseded', 'retired', 'deleted']),
  /** The memory's version after the change. */
  memory_version: z.number().int().min(1),
  status: z.enum(MEMORY_STATUSES),
  memory_type: z.enum(MEMORY_TYPES),
  reason: z.enum(['duplicate', 'contradiction', 'feedback', 'extract', 'update']).optional(),
  superseded_by: id.optional(),
  task_id: id.optional(),
});
export type MemoryChangeEvent = z.infer<typeof MemoryChangeEventSchema>;

export const TASK_STATUSES = ['waiting', 'in_progress', 'completed', 'failed', 'cancelled'] as const;

export const TaskEventSchema = z.object({
  ...envelope,
  task_id: id,
  user_id: id,
  cube_ids: z.array(id).min(1),
  label: z.string().min(1),
  status: z.enum(TASK_STATUSES),
  error: z.string().optional(),
  detail: json.optional(),
});
export type TaskEvent = z.infer<typeof TaskEventSchema>;

export const DeadLetterEventSchema = z.object({
  ...envelope,
  /** Absent when the failed message was unreadable. */
  tenant_id: tenantId.optional(),
  /** Where the failed message came from. */
  source_topic: z.string().min(1),
  source_partition: z.number().int().min(0),
  source_offset: z.string().regex(/^\d+$/, 'must be a decimal offset'),
  /** The original key (null when it had none) and value, byte for byte. */
  source_key: z.string().nullable(),
  source_value_base64: z.string(),
  consumer_group: z.string().min(1),
  error: z.string().min(1),
  attempts: z.number().int().min(1),
});
export type DeadLetterEvent = z.infer<typeof DeadLetterEventSchema>;

export const EVENT_SCHEMAS = {
  [TOPICS.rawInput]: RawInputEventSchema,
  [TOPICS.candidates]: CandidatesEventSchema,
  [TOPICS.memoryChanges]: MemoryChangeEventSchema,
  [TOPICS.taskEvents]: TaskEventSchema,
  [TOPICS.deadLetter]: DeadLetterEventSchema,
} as const;

export type EventSchemas = typeof EVENT_SCHEMAS;
/** The event type a topic carries. */
export type EventOf<T extends keyof EventSchemas> = z.infer<EventSchemas[T]>;
