import { UnavailableError } from '@engram/domain';
import type { LlmClient, LlmMessage, LlmRole, LlmUsage } from '@engram/ports';
import { ExtractionFailedError, type ExtractionStage } from './errors';
import { extractionOutputSchema, type RawExtraction } from './output-schema';
import type { PromptOverrides } from './prompts/catalog';
import type { Lang } from './types';

/** Everything one extract() run shares: the client, the options and the running totals. */
export interface CallContext {
  llm: LlmClient;
  tenant_id: string;
  signal: AbortSignal;
  customTags: string[];
  prompts: PromptOverrides;
  overrideVersion: string;
  temperature?: number;
  maxTokens?: number;
  contextChars: number;
  sourceChars: number;
  /** Prompt language forced by the request, if any. */
  forcedLang?: Lang;
  stats: { calls: number; usage: LlmUsage };
}

export interface CallSpec {
  stage: ExtractionStage;
  role: LlmRole;
  lang: Lang;
  messages: LlmMessage[];
  window_index: number;
  message_id?: string;
}

/**
 * One structured extraction call. "Not configured" passes through as UnavailableError (fine mode is
 * off, not broken); every other failure becomes ExtractionFailedError naming the stage and input.
 */
export async function callExtraction(
  ctx: CallContext,
  spec: CallSpec,
): Promise<{ data: RawExtraction; model: string }> {
  try {
    const r = await ctx.llm.structured({
      tenant_id: ctx.tenant_id,
      role: spec.role,
      messages: spec.messages,
      schema: extractionOutputSchema(spec.lang),
      signal: ctx.signal,
      ...(ctx.temperature !== undefined ? { temperature: ctx.temperature } : {}),
      ...(ctx.maxTokens !== undefined ? { max_tokens: ctx.maxTokens } : {}),
    });
    ctx.stats.calls += r.attempts;
    if (r.usage) {
      ctx.stats.usage.prompt_tokens += r.usage.prompt_tokens;
      ctx.stats.usage.completion_tokens += r.usage.completion_tokens;
      ctx.stats.usage.total_tokens += r.usage.total_tokens;
    }
    return { data: r.data, model: r.model };
  } catch (e) {
    if (e instanceof UnavailableError || e instanceof ExtractionFailedError) throw e;
    throw new ExtractionFailedError({
      reason: e instanceof Error ? e.message : String(e),
      stage: spec.stage,
      window_index: spec.window_index,
      message_id: spec.message_id,
      cause: e,
    });
  }
}
