/**
 * What feature code needs from a language model. The OpenAI-compatible adapter (libs/llm) implements
 * it; features (extraction, chat) receive it by injection so they never import the adapter.
 */

/** Each role can point at a different model (a cheap extractor, a vision model, a chat model). */
export type LlmRole = 'extractor' | 'vision' | 'chat';

export type LlmContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | LlmContentPart[];
}

export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatRequest {
  /** Token usage is booked to this tenant. */
  tenant_id: string;
  /** Picks the configured model for the role; default 'chat'. Ignored when `model` is given. */
  role?: LlmRole;
  model?: string;
  messages: LlmMessage[];
  temperature?: number;
  max_tokens?: number;
  /** Cancels the call (queued or in flight). */
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  /** The model that answered (as reported by the server, else the one asked for). */
  model: string;
  usage: LlmUsage | null;
  finish_reason: string | null;
}

export type ChatStreamEvent =
  | { type: 'delta'; content: string }
  | { type: 'done'; model: string; usage: LlmUsage | null; finish_reason: string | null };

export interface ChatModel {
  /** False when no endpoint (or no model for the role) is configured: callers degrade instead of failing. */
  isConfigured(role?: LlmRole): boolean;
  /** The model name used for a role, or null when the role has none. */
  modelFor(role: LlmRole): string | null;
  chat(req: ChatRequest): Promise<ChatResult>;
  stream(req: ChatRequest): AsyncIterable<ChatStreamEvent>;
}

/** Result of validating parsed JSON. Structurally compatible with a zod schema's `safeParse`. */
export type ValidationOutcome<T> =
  { success: true; data: T } | { success: false; error: { message: string } };

export interface OutputSchema<T> {
  /** Schema name sent in `response_format.json_schema.name` ([a-zA-Z0-9_-], ≤64 chars). */
  name: string;
  /** JSON Schema sent to the server (json_schema mode) or shown in the prompt (json_object mode). */
  jsonSchema: Record<string, unknown>;
  /** Whether the server should enforce the schema strictly (OpenAI `strict`). */
  strict?: boolean;
  /** Final authority: the server's enforcement is a hint, this check is the contract. */
  validator: { safeParse(value: unknown): ValidationOutcome<T> };
}

export interface StructuredRequest<T> extends ChatRequest {
  schema: OutputSchema<T>;
  /** Extra attempts after invalid output, each told what was wrong. Default from client config. */
  maxAttempts?: number;
}

export type StructuredMode = 'json_schema' | 'json_object' | 'prompt';

export interface StructuredResult<T> {
  data: T;
  /** Raw text of the accepted answer. */
  raw: string;
  model: string;
  usage: LlmUsage | null;
  /** How many model answers it took (1 = first answer was valid). */
  attempts: number;
  /** True when the accepted answer needed JSON repair. */
  repaired: boolean;
  /** The response_format mode that produced the answer. */
  mode: StructuredMode;
}

export interface StructuredLlm {
  /** Asks for JSON matching the schema; repairs, validates and retries. Rejects when attempts run out. */
  structured<T>(req: StructuredRequest<T>): Promise<StructuredResult<T>>;
}

/** What the core injects into features: plain chat plus validated structured output. */
export type LlmClient = ChatModel & StructuredLlm;
