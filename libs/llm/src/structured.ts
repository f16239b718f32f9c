import type {
  ChatRequest,
  ChatResult,
  LlmMessage,
  LlmUsage,
  OutputSchema,
  StructuredMode,
  StructuredRequest,
  StructuredResult,
} from '@engram/ports';
import { LlmHttpError, StructuredOutputError } from './errors';
import { JsonRepairError, parseJsonLenient } from './json-repair';
import type { ResponseFormat } from './wire';

export interface StructuredDeps {
  complete(req: ChatRequest, format: ResponseFormat | undefined): Promise<ChatResult>;
  /** The best mode known to work for a model (starts at json_schema). */
  modeFor(model: string): StructuredMode;
  /** Called when a weaker mode worked after a stronger one was rejected. */
  remember(model: string, mode: StructuredMode): void;
  defaultAttempts: number;
}

/** Statuses with which servers reject an unsupported `response_format` (OpenAI 400, vLLM 400/422, proxies 404/415). */
const FORMAT_REJECTED = new Set([400, 404, 415, 422]);
const WEAKER: Record<StructuredMode, StructuredMode | null> = {
  json_schema: 'json_object',
  json_object: 'prompt',
  prompt: null,
};
const MAX_ECHO_CHARS = 4000;

/**
 * Structured output: ask in the strongest mode the server accepts (json_schema → json_object →
 * instructions only), repair the JSON, validate, and on invalid output retry with the error fed back.
 */
export async function runStructured<T>(
  deps: StructuredDeps,
  req: StructuredRequest<T>,
  model: string,
): Promise<StructuredResult<T>> {
  const initialMode = deps.modeFor(model);
  const maxAttempts = Math.max(1, req.maxAttempts ?? deps.defaultAttempts);
  let mode = initialMode;
  let messages = req.messages;
  let usage: LlmUsage | null = null;
  let reason = 'no answer';
  let lastRaw = '';
  for (let attempt = 1; attempt <= maxAttempts;) {
    let result: ChatResult;
    try {
      result = await deps.complete(
        { ...req, model, messages: withSchemaHint(messages, req.schema, mode) },
        responseFormat(req.schema, mode),
      );
    } catch (e) {
      const weaker = WEAKER[mode];
      if (e instanceof LlmHttpError && FORMAT_REJECTED.has(e.status) && weaker) {
        mode = weaker; // not counted as an attempt: the model never answered
        continue;
      }
      throw e;
    }
    usage = addUsage(usage, result.usage);
    lastRaw = result.content;
    const outcome = parseAndValidate(result, req.schema);
    if (outcome.ok) {
      if (mode !== initialMode) deps.remember(model, mode);
      return {
        data: outcome.data,
        raw: result.content,
        model: result.model,
        usage,
        attempts: attempt,
        repaired: outcome.repaired,
        mode,
      };
    }
    reason = outcome.reason;
    // Only the latest bad answer is echoed back, so retries do not grow the prompt without bound.
    messages = [
      ...req.messages,
      { role: 'assistant', content: result.content.slice(0, MAX_ECHO_CHARS) },
      { role: 'user', content: feedback(outcome.reason) },
    ];
    attempt++;
  }
  throw new StructuredOutputError(reason, maxAttempts, lastRaw);
}

type Outcome<T> = { ok: true; data: T; repaired: boolean } | { ok: false; reason: string };

function parseAndValidate<T>(result: ChatResult, schema: OutputSchema<T>): Outcome<T> {
  if (!result.content.trim()) {
    return {
      ok: false,
      reason: result.finish_reason === 'length' ? 'the answer was cut off (empty)' : 'empty answer',
    };
  }
  let parsed;
  try {
    parsed = parseJsonLenient(result.content);
  } catch (e) {
    const why = e instanceof JsonRepairError ? e.message : String(e);
    const cut =
      result.finish_reason === 'length'
        ? ' (the answer was cut off at the token limit; be more concise)'
        : '';
    return { ok: false, reason: `${why}${cut}` };
  }
  const v = schema.validator.safeParse(parsed.value);
  if (v.success) return { ok: true, data: v.data, repaired: parsed.repaired };
  return { ok: false, reason: `the JSON does not match the schema: ${v.error.message.slice(0, 1000)}` };
}

function feedback(reason: string): string {
  return (
    `Your previous answer could not be used: ${reason}. ` +
    'Reply again with only the corrected JSON object that matches the required schema — no prose, ' +
    'no code fences — and keep the same language for all text values.'
  );
}

function responseFormat<T>(schema: OutputSchema<T>, mode: StructuredMode): ResponseFormat | undefined {
  if (mode === 'json_schema') {
    return {
      type: 'json_schema',
      json_schema: { name: schema.name, schema: schema.jsonSchema, strict: schema.strict ?? false },
    };
  }
  return mode === 'json_object' ? { type: 'json_object' } : undefined;
}

/** Without server-side schema enforcement the model must see the schema (json_object also needs the word JSON). */
function withSchemaHint<T>(
  messages: LlmMessage[],
  schema: OutputSchema<T>,
  mode: StructuredMode,
): LlmMessage[] {
  if (mode === 'json_schema') return messages;
  const hint =
    'Answer with a single JSON object (no prose, no code fences) that conforms to this JSON Schema:\n' +
    JSON.stringify(schema.jsonSchema);
  const first = messages[0];
  if (first?.role === 'system' && typeof first.content === 'string') {
    return [{ role: 'system', content: `${first.content}\n\n${hint}` }, ...messages.slice(1)];
  }
  return [{ role: 'system', content: hint }, ...messages];
}

function addUsage(a: LlmUsage | null, b: LlmUsage | null): LlmUsage | null {
  if (!a) return b;
  if (!b) return a;
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}
