import { z } from 'zod';
import type { LlmMessage, LlmUsage } from '@engram/ports';

/** OpenAI chat-completions wire format: only the fields we send and read. */
export type ResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } }
  | { type: 'json_object' };

export interface CompletionBody {
  model: string;
  messages: LlmMessage[];
  temperature?: number;
  max_tokens?: number;
  response_format?: ResponseFormat;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
}

const usageSchema = z
  .object({
    prompt_tokens: z.number().nonnegative().default(0),
    completion_tokens: z.number().nonnegative().default(0),
    total_tokens: z.number().nonnegative().optional(),
  })
  .passthrough();

/** Some servers send content as a list of text parts; join them. */
const contentSchema = z
  .union([z.string(), z.array(z.object({ text: z.string().optional() }).passthrough()), z.null()])
  .optional()
  .transform((c) => (Array.isArray(c) ? c.map((p) => p.text ?? '').join('') : (c ?? '')));

export const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: contentSchema }).passthrough(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

export const chunkSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).passthrough().nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: usageSchema.nullish(),
});

export function toUsage(u: z.infer<typeof usageSchema> | null | undefined): LlmUsage | null {
  if (!u) return null;
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens,
  };
}

/** The human-readable part of an OpenAI-style error body, else the body itself (bounded). */
export function errorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const err = (parsed as { error?: unknown; message?: unknown }).error ?? parsed;
      if (typeof err === 'string') return err;
      const msg = (err as { message?: unknown }).message;
      if (typeof msg === 'string') return msg;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 500) || '(empty body)';
}
