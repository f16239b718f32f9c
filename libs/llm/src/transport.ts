import { backoffDelay, sleep } from './backoff';
import { LlmAbortedError, LlmError, LlmHttpError, LlmTimeoutError, LlmTransportError } from './errors';
import type { Semaphore } from './semaphore';
import { sseData } from './sse';
import { errorMessage } from './wire';

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey: string | null;
  headers: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  semaphore: Semaphore;
  fetch: FetchFn;
  random?: () => number;
}

/**
 * HTTP to an OpenAI-compatible server: a concurrency slot per attempt, a timeout per attempt,
 * and retries with backoff on 408/429/5xx, timeouts and network errors. A caller abort stops everything.
 */
export class HttpTransport {
  constructor(private readonly o: TransportOptions) {}

  async postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.withRetries(signal, async (attemptSignal, arm) => {
      arm();
      const res = await this.send('POST', path, body, attemptSignal);
      const text = await res.text();
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw new LlmTransportError(`LLM endpoint returned malformed JSON: ${text.slice(0, 200)}`, {
          cause: e,
        });
      }
    });
  }

  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.withRetries(signal, async (attemptSignal, arm) => {
      arm();
      const res = await this.send('GET', path, undefined, attemptSignal);
      return (await res.json()) as unknown;
    });
  }

  /**
   * Streams SSE `data` payloads. Retries only until the response starts; the timeout is an idle
   * timeout (reset on every received chunk) so long answers are not cut off.
   */
  async *postStream(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<string> {
    const queue: string[] = [];
    let started = false;
    let finished = false;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    // Lets us cancel the HTTP stream (and free its slot) when the consumer stops early.
    const local = new AbortController();
    const run = this.withRetries(
      signal ? AbortSignal.any([signal, local.signal]) : local.signal,
      async (attemptSignal, arm) => {
        arm();
        const res = await this.send('POST', path, body, attemptSignal);
        if (!res.body) throw new LlmTransportError('LLM endpoint sent an empty stream');
        for await (const data of sseData(res.body, arm)) {
          started = true;
          queue.push(data);
          notify();
        }
      },
      // Once part of the answer was delivered, a retry would repeat it.
      () => !started,
    );
    run.then(
      () => {
        finished = true;
        notify();
      },
      (e: unknown) => {
        failure = e;
        finished = true;
        notify();
      },
    );
    try {
      for (;;) {
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        if (finished) break;
        await new Promise<void>((r) => (wake = r));
      }
      if (failure) throw failure;
    } finally {
      if (!finished) local.abort();
    }
  }

  private async send(method: string, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.o.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.o.apiKey) headers.authorization = `Bearer ${this.o.apiKey}`;
    const res = await this.o.fetch(`${this.o.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new LlmHttpError(
        res.status,
        errorMessage(text),
        text.slice(0, 2000),
        res.headers.get('retry-after'),
      );
    }
    return res;
  }

  /**
   * Runs `attempt` with a fresh timeout each time. `arm()` (re)starts the timeout clock, so time
   * spent waiting for a concurrency slot does not count against the call.
   */
  private async withRetries<T>(
    signal: AbortSignal | undefined,
    attempt: (signal: AbortSignal, arm: () => void) => Promise<T>,
    canRetry: () => boolean = () => true,
  ): Promise<T> {
    for (let n = 0; ; n++) {
      let error: unknown;
      const release = await this.o.semaphore.acquire(signal).catch((e: unknown) => {
        throw new LlmAbortedError({ cause: e });
      });
      const timeout = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => timeout.abort(), this.o.timeoutMs);
      };
      const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
      try {
        return await attempt(combined, arm);
      } catch (e) {
        if (signal?.aborted) throw new LlmAbortedError({ cause: e });
        if (timeout.signal.aborted) error = new LlmTimeoutError(this.o.timeoutMs);
        else if (e instanceof LlmError) error = e;
        else error = new LlmTransportError(`LLM endpoint unreachable: ${describe(e)}`, { cause: e });
      } finally {
        clearTimeout(timer);
        release();
      }
      const err = error as LlmError;
      if (!err.retryable || n >= this.o.maxRetries || !canRetry()) throw err;
      const retryAfter = err instanceof LlmHttpError ? err.retryAfter : null;
      await sleep(
        backoffDelay(n, {
          baseMs: this.o.retryBaseMs,
          maxMs: this.o.retryMaxMs,
          retryAfter,
          random: this.o.random,
        }),
        signal,
      ).catch((e: unknown) => {
        throw new LlmAbortedError({ cause: e });
      });
    }
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}
