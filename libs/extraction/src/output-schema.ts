import { detectLang } from '@engram/domain';
import type { OutputSchema, ValidationOutcome } from '@engram/ports';
import { z } from 'zod';
import type { FineMemoryType, Lang } from './types';

/** One memory as the model returns it, after lenient normalisation. */
export interface RawMemory {
  key: string;
  value: string;
  memory_type: FineMemoryType;
  tags: string[];
  event_time: string | null;
  source_message_ids: string[];
}

export interface RawExtraction {
  memories: RawMemory[];
  summary: string;
}

/** Sent as response_format json_schema; strict-mode compatible (every field required, no extras). */
export const EXTRACTION_JSON_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    memories: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          value: { type: 'string' },
          memory_type: { type: 'string', enum: ['UserMemory', 'LongTermMemory'] },
          tags: { type: 'array', items: { type: 'string' } },
          event_time: { type: ['string', 'null'] },
          source_message_ids: { type: 'array', items: { type: 'string' } },
        },
        required: ['key', 'value', 'memory_type', 'tags', 'event_time', 'source_message_ids'],
        additionalProperties: false,
      },
    },
    summary: { type: 'string' },
  },
  required: ['memories', 'summary'],
  additionalProperties: false,
};

/** Lists may come as a list, a comma-separated string, or be missing. */
const stringList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[,，、;；]/) : (v ?? [])),
  z
    .array(z.union([z.string(), z.number()]).transform((s) => String(s).trim()))
    .transform((l) => l.filter(Boolean)),
);

const USER_TYPES = new Set(['usermemory', 'user', 'user_memory', 'pref', 'preference', '用户记忆']);

const memorySchema = z
  .object({
    key: z.string().nullish(),
    value: z.string().nullish(),
    memory: z.string().nullish(),
    content: z.string().nullish(),
    memory_type: z.string().nullish(),
    tags: stringList,
    event_time: z.union([z.string(), z.number(), z.null()]).optional(),
    source_message_ids: stringList.optional(),
    sources: stringList.optional(),
  })
  .transform((m, ctx): RawMemory => {
    const value = (m.value ?? m.memory ?? m.content ?? '').trim();
    if (!value)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['value'],
        message: 'value must be a non-empty string',
      });
    return {
      key: (m.key ?? '').trim(),
      value,
      memory_type: USER_TYPES.has((m.memory_type ?? '').trim().toLowerCase())
        ? 'UserMemory'
        : 'LongTermMemory',
      tags: m.tags,
      event_time: m.event_time === null || m.event_time === undefined ? null : String(m.event_time),
      source_message_ids: m.source_message_ids ?? m.sources ?? [],
    };
  });

/** Accepts MemOS-style `memory list`, a bare array, or the documented object. */
const extractionSchema = z.preprocess(
  (v) => {
    if (Array.isArray(v)) return { memories: v };
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return { ...o, memories: o.memories ?? o['memory list'] ?? o.memory_list };
    }
    return v;
  },
  z.object({
    memories: z.array(memorySchema, { required_error: 'a "memories" array is required' }),
    summary: z
      .string()
      .nullish()
      .transform((s) => (s ?? '').trim()),
  }),
);

/**
 * Validator for one call: the shape, plus the language rule. A Chinese conversation answered in
 * English (MemOS issue #130) is rejected, so the retry tells the model to keep the language.
 */
export function extractionOutputSchema(lang: Lang): OutputSchema<RawExtraction> {
  return {
    name: 'memory_extraction',
    jsonSchema: EXTRACTION_JSON_SCHEMA,
    strict: true,
    validator: {
      safeParse(value: unknown): ValidationOutcome<RawExtraction> {
        const r = extractionSchema.safeParse(value);
        if (!r.success) {
          const message = r.error.issues
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ');
          return { success: false, error: { message } };
        }
        const problem = languageProblem(r.data, lang);
        return problem ? { success: false, error: { message: problem } } : { success: true, data: r.data };
      },
    },
  };
}

function languageProblem(data: RawExtraction, lang: Lang): string | null {
  const text = data.memories.map((m) => m.value).join(' ');
  if ((text.match(/\p{L}/gu)?.length ?? 0) < 12) return null; // too little text to judge
  const got = detectLang(text);
  if (got === lang) return null;
  return lang === 'zh'
    ? 'the memories must be written in Chinese, the language of the conversation (记忆必须用中文书写，不要翻译成英文)'
    : 'the memories must be written in the language of the input, not in Chinese';
}
