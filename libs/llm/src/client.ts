import type {
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  LlmClient,
  LlmRole,
  LlmUsage,
  StructuredMode,
  StructuredRequest,
  StructuredResult,
} from '@engram/ports';
import { type LlmConfig, type LlmConfigInput, parseLlmConfig } from './config';
import { LlmNotConfiguredError, LlmTransportError } from './errors';
import { Semaphore } from './semaphore';
import { runStructured } from './structured';
import { type FetchFn, HttpTransport } from './transport';
import { UsageLedger } from './usage-ledger';
import { chunkSchema, type CompletionBody, completionSchema, type ResponseFormat, toUsage } from './wire';

export interface LlmClientDeps {
  /** Defaults to the global fetch. */
  fetch?: FetchFn;
  /** Share one ledger across clients to meter every tenant in one place. */
  ledger?: UsageLedger;
  /** Jitter source for backoff (tests pin it). */
  random?: () => number;
}

/** LlmClient over any OpenAI-compatible /chat/completions endpoint, with plain fetch. */
export class OpenAiCompatibleClient implements LlmClient {
  readonly ledger: UsageLedger;
  readonly semaphore: Semaphore;
  private readonly transport: HttpTransport | null;
  private readonly structuredModes = new Map<string, StructuredMode>();

  constructor(
    readonly config: LlmConfig,
    deps: LlmClientDeps = {},
  ) {
    this.ledger = deps.ledger ?? new UsageLedger();
    this.semaphore = new Semaphore(config.maxConcurrency);
    this.transport = config.baseUrl
      ? new HttpTransport({
          baseUrl: config.baseUrl,
          apiKey: config.apiKey,
          headers: config.headers,
          timeoutMs: config.timeoutMs,
          maxRetries: config.maxRetries,
          retryBaseMs: config.retryBaseMs,
          retryMaxMs: config.retryMaxMs,
          semaphore: this.semaphore,
          fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
          random: deps.random,
        })
      : null;
  }

  isConfigured(role?: LlmRole): boolean {
    return this.transport !== null && (role === undefined || this.modelFor(role) !== null);
  }

  /** Extractor and chat stand in for each other; vision never falls back (a text model cannot see). */
  modelFor(role: LlmRole): string | null {
    if (!this.transport) return null;
    const m = this.config.models;
    if (role === 'extractor') return m.extractor ?? m.chat;
    if (role === 'chat') return m.chat ?? m.extractor;
    return m.vision;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    return this.complete(req, undefined);
  }

  async *stream(req: ChatRequest): AsyncGenerator<ChatStreamEvent> {
    const { transport, model } = this.target(req);
    const body: CompletionBody = {
      ...this.body(req, model),
      stream: true,
      stream_options: { include_usage: true },
    };
    let usage: LlmUsage | null = null;
    let finish: string | null = null;
    let served = model;
    for await (const data of transport.postStream('/chat/completions', body, req.signal)) {
      if (data.trim() === '[DONE]') break;
      const chunk = chunkSchema.safeParse(safeJson(data));
      if (!chunk.success)
        throw new LlmTransportError(`LLM stream sent a malformed chunk: ${data.slice(0, 200)}`);
      served = chunk.data.model ?? served;
      usage = toUsage(chunk.data.usage) ?? usage;
      for (const choice of chunk.data.choices) {
        finish = choice.finish_reason ?? finish;
        const text = choice.delta?.content;
        if (text) yield { type: 'delta', content: text };
      }
    }
    this.ledger.record(req.tenant_id, model, usage);
    yield { type: 'done', model: served, usage, finish_reason: finish };
  }

  async structured<T>(req: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const { model } = this.target({ ...req, role: req.role ?? 'extractor' });
    return runStructured(
      {
        complete: (r, format) => this.complete(r, format),
        modeFor: (m) => this.structuredModes.get(m) ?? 'json_schema',
        remember: (m, mode) => this.structuredModes.set(m, mode),
        defaultAttempts: this.config.structuredAttempts,
      },
      req,
      model,
    );
  }

  /** Model ids the server offers (GET /models): a cheap readiness probe. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    if (!this.transport) throw new LlmNotConfiguredError();
    const json = (await this.transport.getJson('/models', signal)) as { data?: { id?: unknown }[] };
    return (json.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  }

  private async complete(req: ChatRequest, format: ResponseFormat | undefined): Promise<ChatResult> {
    const { transport, model } = this.target(req);
    const body: CompletionBody = { ...this.body(req, model), ...(format ? { response_format: format } : {}) };
    const json = await transport.postJson('/chat/completions', body, req.signal);
    const parsed = completionSchema.safeParse(json);
    if (!parsed.success) {
      throw new LlmTransportError(
        `LLM endpoint returned no completion: ${JSON.stringify(json).slice(0, 200)}`,
      );
    }
    const usage = toUsage(parsed.data.usage);
    this.ledger.record(req.tenant_id, model, usage);
    const choice = parsed.data.choices[0]!;
    return {
      content: choice.message.content,
      model: parsed.data.model ?? model,
      usage,
      finish_reason: choice.finish_reason ?? null,
    };
  }

  private target(req: ChatRequest): { transport: HttpTransport; model: string } {
    if (!this.transport) throw new LlmNotConfiguredError();
    const role = req.role ?? 'chat';
    const model = req.model ?? this.modelFor(role);
    if (!model) throw new LlmNotConfiguredError(`no model for the '${role}' role`);
    return { transport: this.transport, model };
  }

  private body(req: ChatRequest, model: string): CompletionBody {
    return {
      model,
      messages: req.messages,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.max_tokens !== undefined ? { max_tokens: req.max_tokens } : {}),
    };
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds a client from a config object (validated, defaults filled). No endpoint → calls throw LlmNotConfiguredError. */
export function createLlmClient(
  config: LlmConfigInput = {},
  deps: LlmClientDeps = {},
): OpenAiCompatibleClient {
  return new OpenAiCompatibleClient(parseLlmConfig(config), deps);
}
