/** Request and reply shapes of the fake OpenAI-compatible server. */
export type FakeContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface FakeChatMessage {
  role: string;
  content: string | FakeContentPart[] | null;
}

export interface FakeChatBody {
  model: string;
  messages: FakeChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  temperature?: number;
  max_tokens?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /v1/chat/completions. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined for GET or a body that is not JSON). */
  body: unknown;
  at: number;
}

export interface FakeReplySpec {
  /** Assistant text. */
  content?: string;
  /** Serialised as the assistant text (convenience for structured output). */
  json?: unknown;
  /** Non-2xx status: answered with an OpenAI-style error body. */
  status?: number;
  error?: string;
  /** Sent verbatim as the HTTP body (e.g. malformed JSON); overrides everything else. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Wait before answering (exercises client timeouts and concurrency). */
  delayMs?: number;
  /** Drop the connection without answering (a network error for the client). */
  destroy?: boolean;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  finishReason?: string;
  /** Model name to report (default: the requested one). */
  model?: string;
  /** Streaming: characters per SSE chunk (default 4) and pause between chunks. */
  streamChunkSize?: number;
  streamDelayMs?: number;
}

export type FakeReply = string | FakeReplySpec | ((req: FakeChatBody) => string | FakeReplySpec);

/** How a rule picks requests: a predicate, or fields that must all match. */
export type FakeMatch =
  | ((req: FakeChatBody) => boolean)
  | {
      /** Substring or pattern of the last user message's text. */
      lastUser?: string | RegExp;
      /** Substring or pattern of the system message(s). */
      system?: string | RegExp;
      model?: string | RegExp;
      /** 'none' matches requests without response_format. */
      responseFormat?: 'json_schema' | 'json_object' | 'none';
      stream?: boolean;
      /** True when any message carries an image_url part. */
      hasImage?: boolean;
      where?: (req: FakeChatBody) => boolean;
    };

export interface FakeRule {
  match: FakeMatch;
  reply: FakeReply;
  /** Rule stops matching after this many uses (e.g. fail twice, then fall through). */
  times?: number;
  used: number;
}
