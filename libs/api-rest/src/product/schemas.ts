import { LIMITS, SEARCH_DEFAULTS } from '@engram/domain';
import { z } from 'zod';
import { documented, id, jsonObject, text } from '../http/text-fields';

const cubeIds = z.array(id).max(100);
const filterDict = z.record(z.unknown());

const PART = {
  oneOf: [
    { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } } },
    {
      type: 'object',
      required: ['type', 'image_url'],
      properties: {
        type: { type: 'string', enum: ['image_url'] },
        image_url: {
          anyOf: [
            { type: 'string', minLength: 1 },
            // `detail` is passed on when it is a string and ignored otherwise
            { type: 'object', required: ['url'], properties: { url: { type: 'string', minLength: 1 }, detail: { description: 'low, high or auto' } } },
          ],
        },
      },
    },
    {
      type: 'object',
      required: ['type', 'file'],
      properties: {
        type: { type: 'string', enum: ['file'] },
        file: { type: 'object', properties: { file_id: { type: 'string' }, filename: { type: 'string' }, file_data: { type: 'string' } } },
      },
    },
  ],
};

/**
 * The messages of an add: one string (a user message) or an OpenAI-style list. The core validates them
 * (libs/reader) and names the offending message; this is their documented shape.
 */
export const MESSAGES = documented(z.unknown(), {
  description: 'One user message as a string, or a list of OpenAI-style messages; message_id values must be unique',
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['content'],
        properties: {
          role: { type: 'string', nullable: true, enum: ['system', 'user', 'assistant', 'tool', null], default: 'user' },
          content: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: PART }] },
          chat_time: {
            anyOf: [{ type: 'string', nullable: true }, { type: 'number', minimum: 0 }],
            description: 'When the message was said: a date or time (ISO 8601 and other common shapes) or unix time',
          },
          message_id: { type: 'string', nullable: true, minLength: 1, description: "The caller's id; becomes the memories' provenance" },
        },
      },
    },
  ],
});

/** `POST /product/add` — MemOS `APIADDRequest` (deprecated aliases accepted). */
export const AddRequestSchema = z
  .object({
    user_id: id,
    session_id: id.optional(),
    task_id: id.optional(),
    writable_cube_ids: cubeIds.optional(),
    mem_cube_id: id.optional(),
    async_mode: z.enum(['async', 'sync']).default('async'),
    mode: z.enum(['fast', 'fine']).nullish(),
    messages: MESSAGES.optional(),
    memory_content: z.string().optional(),
    custom_tags: z.array(text({ min: 1, max: 100 })).max(50).optional(),
    info: jsonObject().optional(),
    source: z.string().optional(),
    idempotency_key: text({ max: 256, notBlank: true }).optional(),
    chat_history: z.unknown().optional(),
    is_feedback: z.boolean().default(false),
    manager_user_id: z.string().optional(),
    project_id: z.string().optional(),
  })
  .refine((b) => b.messages !== undefined || b.memory_content !== undefined, {
    message: 'messages is required',
    path: ['messages'],
  });
export type AddRequest = z.infer<typeof AddRequestSchema>;

const quota = z.number().int().min(0).max(SEARCH_DEFAULTS.maxQuota);

export const SearchRequestSchema = z.object({
  query: z.string().min(1, 'query must not be empty').max(SEARCH_DEFAULTS.maxQueryChars),
  user_id: id,
  readable_cube_ids: cubeIds.optional(),
  mem_cube_id: id.optional(),
  mode: z.enum(['fast', 'fine', 'mixture']).default('fast'),
  session_id: id.optional(),
  top_k: z.number().int().min(1).max(SEARCH_DEFAULTS.maxTopK).default(SEARCH_DEFAULTS.topK),
  relativity: z.number().min(0).max(1).default(SEARCH_DEFAULTS.relativity),
  dedup: z.enum(['no', 'sim', 'mmr']).nullable().default(SEARCH_DEFAULTS.dedup),
  rerank: z.boolean().default(true),
  include_preference: z.boolean().default(true),
  pref_top_k: quota.default(SEARCH_DEFAULTS.prefTopK),
  search_tool_memory: z.boolean().default(true),
  tool_mem_top_k: quota.default(SEARCH_DEFAULTS.toolTopK),
  include_skill_memory: z.boolean().default(true),
  skill_mem_top_k: quota.default(SEARCH_DEFAULTS.skillTopK),
  filter: filterDict.nullish(),
  // accepted for MemOS clients, but only as false (the controller says why otherwise)
  internet_search: documented(z.boolean(), { type: 'boolean', enum: [false], description: 'Not supported: only false' }).default(false),
  threshold: z.number().nullish(),
  search_memory_type: z.string().default('All'),
  reference_time: z.string().nullish(),
  chat_history: z.unknown().optional(),
});
export type SearchRequest = z.infer<typeof SearchRequestSchema>;

export const GetMemoryRequestSchema = z.object({
  mem_cube_id: id,
  user_id: id.optional(),
  include_preference: z.boolean().default(true),
  include_tool_memory: z.boolean().default(true),
  include_skill_memory: z.boolean().default(true),
  filter: filterDict.nullish(),
  page: z.number().int().min(1).max(LIMITS.maxPage).nullish(),
  page_size: z.number().int().min(1).max(10_000).nullish(),
});
export type GetMemoryRequest = z.infer<typeof GetMemoryRequestSchema>;

export const GetByIdsSchema = z.union([
  z.array(id).max(10_000),
  z.object({ memory_ids: z.array(id).max(10_000) }).transform((o) => o.memory_ids),
]);

export const DeleteMemoryRequestSchema = z.object({
  memory_ids: z.array(id).max(10_000).optional(),
  file_ids: z.array(id).max(10_000).optional(),
  filter: filterDict.nullish(),
  user_id: id.optional(),
  session_id: id.optional(),
  conversation_id: id.optional(),
  writable_cube_ids: cubeIds.optional(),
});
export type DeleteMemoryRequest = z.infer<typeof DeleteMemoryRequestSchema>;
