import type { Embedder } from '@engram/ports';
import { l2NormalizeInPlace } from './vector';

export interface OpenAiEmbedderOptions {
  /** API root including the version, as in the OpenAI SDK: `https://api.openai.com/v1`; `/embeddings` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Expected vector length; every response is checked against it. */
  dimensions: number;
  /** Send `dimensions` in the request (text-embedding-3-*). Turn off for servers that reject it. Default true. */
  sendDimensions?: boolean;
  /** Inputs per request; default 96. */
  batchSize?: number;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors; default 3. */
  maxRetries?: number;
  /** First backoff delay, doubled per retry with jitter; default 500 ms. */
  retryBaseMs?: number;
  /** Upper bound for one backoff delay, including a server's Retry-After; default 20 s. */
  maxRetryDelayMs?: number;
  queryPrefix?: string;
  documentPrefix?: string;
  headers?: Record<string, string>;
}

/** Raised for a failed embeddings call; `status` is the last HTTP status when there was one. */
export class EmbeddingRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'EmbeddingRequestError';
  }
}

interface EmbeddingResponse {
  data?: Array<{ embedding?: unknown; index?: unknown }>;
}

/** Client for any OpenAI-compatible POST /embeddings endpoint. */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly url: string;

  constructor(private readonly opts: OpenAiEmbedderOptions) {
    if (!opts.baseUrl) throw new Error('OpenAiEmbedder: baseUrl is required');
    if (!opts.model) throw new Error('OpenAiEmbedder: model is required');
    if (!Number.isInteger(opts.dimensions) || opts.dimensions <= 0)
      throw new Error('OpenAiEmbedder: dimensions must be a positive integer');
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.dimension = opts.dimensions;
    this.id = `openai:${opts.model}:${opts.dimensions}`;
  }

  async embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    const prefix = (kind === 'query' ? this.opts.queryPrefix : this.opts.documentPrefix) ?? '';
    // OpenAI rejects empty strings with a 400; a single space embeds as "nothing".
    const inputs = texts.map((t) => prefix + t || ' ');
    const size = Math.max(1, this.opts.batchSize ?? 96);
    const out: Float32Array[] = [];
    for (let i = 0; i < inputs.length; i += size)
      out.push(...(await this.request(inputs.slice(i, i + size))));
    return out;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    const maxRetries = this.opts.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(input);
      } catch (err) {
        const e = err instanceof EmbeddingRequestError ? err : new EmbeddingRequestError(String(err));
        if (!e.retryable || attempt >= maxRetries) {
          if (attempt > 0) e.message += ` (after ${attempt + 1} attempts)`;
          throw e;
        }
        await sleep(this.backoff(attempt, e instanceof RetryAfterError ? e.retryAfterMs : undefined));
      }
    }
  }

  private async attempt(input: string[]): Promise<Float32Array[]> {
    const body: Record<string, unknown> = { model: this.opts.model, input, encoding_format: 'float' };
    if (this.opts.sendDimensions ?? true) body.dimensions = this.opts.dimensions;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.opts.headers };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      // Duck-typed: fetch's DOMException and undici errors need not share this realm's Error.
      const name = str(field(err, 'name'));
      const cause = str(field(field(err, 'cause'), 'message'));
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const msg = timedOut
        ? `timed out after ${timeoutMs} ms`
        : `network error: ${str(field(err, 'message')) ?? String(err)}${cause ? `: ${cause}` : ''}`;
      throw new EmbeddingRequestError(`POST ${this.url} ${msg}`, undefined, true);
    }
    if (!res.ok) {
      const msg = `POST ${this.url} -> HTTP ${res.status}: ${errorDetail(text)}`;
      const retryable = res.status === 429 || res.status >= 500;
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      throw retryable && retryAfter !== undefined
        ? new RetryAfterError(msg, res.status, retryAfter)
        : new EmbeddingRequestError(msg, res.status, retryable);
    }
    return this.parse(text, input.length);
  }

  private parse(text: string, expected: number): Float32Array[] {
    let json: EmbeddingResponse;
    try {
      json = JSON.parse(text) as EmbeddingResponse;
    } catch {
      throw new EmbeddingRequestError(`POST ${this.url}: response is not JSON: ${text.slice(0, 200)}`);
    }
    if (!Array.isArray(json.data) || json.data.length !== expected) {
      throw new EmbeddingRequestError(
        `POST ${this.url}: expected ${expected} embeddings, got ${Array.isArray(json.data) ? json.data.length : 'no data array'}`,
      );
    }
    const out = new Array<Float32Array>(expected);
    json.data.forEach((item, pos) => {
      const idx = typeof item.index === 'number' ? item.index : pos; // servers may reorder; index is authoritative
      const emb = item.embedding;
      if (!Array.isArray(emb) || !emb.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new EmbeddingRequestError(
          `POST ${this.url}: embedding ${idx} is not an array of finite numbers`,
        );
      }
      if (emb.length !== this.dimension) {
        throw new EmbeddingRequestError(
          `POST ${this.url}: model ${this.opts.model} returned ${emb.length} dims, configured dimensions is ${this.dimension}`,
        );
      }
      if (idx < 0 || idx >= expected || out[idx])
        throw new EmbeddingRequestError(`POST ${this.url}: bad or duplicate index ${idx}`);
      out[idx] = l2NormalizeInPlace(Float32Array.from(emb as number[]));
    });
    return out;
  }

  private backoff(attempt: number, retryAfterMs?: number): number {
    const cap = this.opts.maxRetryDelayMs ?? 20_000;
    const exp = (this.opts.retryBaseMs ?? 500) * 2 ** attempt;
    const jittered = exp / 2 + Math.random() * (exp / 2);
    return Math.min(cap, Math.max(jittered, retryAfterMs ?? 0));
  }
}

class RetryAfterError extends EmbeddingRequestError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterMs: number,
  ) {
    super(message, status, true);
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** OpenAI-style `{error:{message}}` if present, else the start of the body. */
function errorDetail(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string };
    if (typeof j.error === 'string') return j.error;
    if (j.error && typeof j.error.message === 'string') return j.error.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300) || '(empty body)';
}

/** Reads a property of an unknown value without trusting instanceof. */
function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
