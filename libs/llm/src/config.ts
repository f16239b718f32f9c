import { z } from 'zod';

/** Client configuration. `baseUrl` null means "no LLM": calls throw LlmNotConfiguredError. */
export interface LlmConfig {
  /** OpenAI-style base URL including the version path, e.g. https://api.openai.com/v1. */
  baseUrl: string | null;
  apiKey: string | null;
  models: { extractor: string | null; vision: string | null; chat: string | null };
  /** Per attempt; for streams, the longest wait for the next chunk. */
  timeoutMs: number;
  /** Requests in flight at once, across all roles and tenants. */
  maxConcurrency: number;
  /** HTTP retries on 408/429/5xx/network errors/timeouts, after the first try. */
  maxRetries: number;
  /** Total answers allowed per structured call (first + retries with the validation error fed back). */
  structuredAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Extra headers (e.g. OpenRouter attribution, Azure api-key). */
  headers: Record<string, string>;
}

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? null : s))
  .nullish()
  .transform((s) => s ?? null);

/** Accepts numbers or numeric strings (env values), rejects anything else with a clear message. */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, 'must be a whole number'),
    ])
    .pipe(z.coerce.number().int().min(min).max(max));

export const llmConfigSchema = z
  .object({
    baseUrl: optionalText.refine((s) => s === null || /^https?:\/\/[^\s]+$/i.test(s), {
      message: 'must be an http(s) URL such as https://api.openai.com/v1',
    }),
    apiKey: optionalText,
    models: z.object({ extractor: optionalText, vision: optionalText, chat: optionalText }).default({}),
    timeoutMs: int(1).default(60_000),
    maxConcurrency: int(1, 1000).default(4),
    maxRetries: int(0, 10).default(2),
    structuredAttempts: int(1, 10).default(3),
    retryBaseMs: int(0).default(500),
    retryMaxMs: int(0).default(8_000),
    headers: z.record(z.string()).default({}),
  })
  .superRefine((c, ctx) => {
    if (c.baseUrl && !c.models.extractor && !c.models.chat) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['models', 'extractor'],
        message: 'an endpoint is set but no model: set the extractor (or chat) model',
      });
    }
  })
  .transform((c) => ({ ...c, baseUrl: c.baseUrl ? c.baseUrl.replace(/\/+$/, '') : null }));

export type LlmConfigInput = z.input<typeof llmConfigSchema>;

export class LlmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

/** Validates and fills defaults; throws LlmConfigError naming each bad field. */
export function parseLlmConfig(input: LlmConfigInput = {}, names?: Record<string, string>): LlmConfig {
  const r = llmConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = i.path.join('.');
    return `${names?.[path] ?? path}: ${i.message}`;
  });
  throw new LlmConfigError(`Invalid LLM configuration: ${issues.join('; ')}`);
}

const ENV_NAMES: Record<string, string> = {
  baseUrl: 'ENGRAM_LLM_BASE_URL',
  apiKey: 'ENGRAM_LLM_API_KEY',
  'models.extractor': 'ENGRAM_LLM_EXTRACTOR_MODEL',
  'models.vision': 'ENGRAM_LLM_VISION_MODEL',
  'models.chat': 'ENGRAM_LLM_CHAT_MODEL',
  timeoutMs: 'ENGRAM_LLM_TIMEOUT_MS',
  maxConcurrency: 'ENGRAM_LLM_MAX_CONCURRENCY',
  maxRetries: 'ENGRAM_LLM_MAX_RETRIES',
  structuredAttempts: 'ENGRAM_LLM_STRUCTURED_ATTEMPTS',
};

/** Reads ENGRAM_LLM_* variables. With no ENGRAM_LLM_BASE_URL the result is an unconfigured client config. */
export function llmConfigFromEnv(env: Record<string, string | undefined> = process.env): LlmConfig {
  const blankToUndef = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  return parseLlmConfig(
    {
      baseUrl: env.ENGRAM_LLM_BASE_URL,
      apiKey: env.ENGRAM_LLM_API_KEY,
      models: {
        extractor: env.ENGRAM_LLM_EXTRACTOR_MODEL,
        vision: env.ENGRAM_LLM_VISION_MODEL,
        chat: env.ENGRAM_LLM_CHAT_MODEL,
      },
      timeoutMs: blankToUndef(env.ENGRAM_LLM_TIMEOUT_MS),
      maxConcurrency: blankToUndef(env.ENGRAM_LLM_MAX_CONCURRENCY),
      maxRetries: blankToUndef(env.ENGRAM_LLM_MAX_RETRIES),
      structuredAttempts: blankToUndef(env.ENGRAM_LLM_STRUCTURED_ATTEMPTS),
    },
    ENV_NAMES,
  );
}
