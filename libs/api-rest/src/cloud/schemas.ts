import { DEFAULT_PAGE_SIZE, LIMITS, SEARCH_DEFAULTS } from '@engram/domain';
import { z } from 'zod';
import { id, jsonObject, text } from '../http/text-fields';
import { MESSAGES } from '../product/schemas';

/** Request bodies of the cloud-style MemOS routes (the cube is the user or agent id). */

const who = { user_id: id.optional(), agent_id: id.optional() };
const needsWho = (b: { user_id?: string | undefined; agent_id?: string | undefined }) => Boolean(b.user_id ?? b.agent_id);
const WHO_REQUIRED = { message: 'user_id or agent_id is required', path: ['user_id'] };
const tags = z.array(text({ min: 1, max: 100 })).max(50);

export const AddMessageSchema = z
  .object({
    ...who,
    messages: MESSAGES,
    conversation_id: id.optional(),
    info: jsonObject().optional(),
    source: z.string().optional(),
    app_id: z.string().optional(),
    async_mode: z.boolean().default(true),
    tags: tags.optional(),
    idempotency_key: text({ max: 256, notBlank: true }).optional(),
  })
  .refine(needsWho, WHO_REQUIRED);

export const SearchMemorySchema = z
  .object({
    ...who,
    query: z.string().min(1, 'query must not be empty'),
    conversation_id: id.optional(),
    memory_limit_number: z.number().int().min(1).max(100).default(6),
    include_preference: z.boolean().default(true),
    preference_limit_number: z.number().int().min(0).max(SEARCH_DEFAULTS.maxQuota).default(SEARCH_DEFAULTS.prefTopK),
    include_tool_memory: z.boolean().default(false),
    tool_memory_limit_number: z.number().int().min(0).max(SEARCH_DEFAULTS.maxQuota).default(SEARCH_DEFAULTS.toolTopK),
    include_skill: z.boolean().default(false),
    skill_limit_number: z.number().int().min(0).max(SEARCH_DEFAULTS.maxQuota).default(SEARCH_DEFAULTS.skillTopK),
    knowledgebase_ids: z.array(id).max(100).optional(),
    filter: z.record(z.unknown()).nullish(),
    relativity: z.number().min(0).max(1).default(0),
  })
  .refine(needsWho, WHO_REQUIRED);

export const GetMemorySchema = z
  .object({
    ...who,
    page: z.number().int().min(1).max(LIMITS.maxPage).default(1),
    size: z.number().int().min(1).max(50).default(DEFAULT_PAGE_SIZE),
    filter: z.record(z.unknown()).nullish(),
  })
  .refine(needsWho, WHO_REQUIRED);

export const DeleteMemorySchema = z.object({
  ...who,
  memory_ids: z.array(id).min(1).max(10_000).optional(),
  filter: z.record(z.unknown()).nullish(),
});
