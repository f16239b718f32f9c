import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbedding } from './embeddings';
import { matches, messageText } from './matching';
import type { FakeChatBody, FakeMatch, FakeReply, FakeReplySpec, FakeRule, RecordedRequest } from './types';

export interface FakeOpenAiOptions {
  /** Ids listed by GET /v1/models. */
  models?: string[];
  /** Default embedding size (a request's `dimensions` wins). */
  embeddingDimension?: number;
}

/**
 * A real HTTP server speaking the OpenAI API on 127.0.0.1, with scripted answers. Tests use it so
 * the production client (fetch, SSE, retries, timeouts) runs unchanged, and no real model is called.
 */
export class FakeOpenAiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly rules: FakeRule[] = [];
  private readonly files = new Map<string, { body: Buffer; contentType: string }>();
  private fallback: FakeReply = 'OK';
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly options: FakeOpenAiOptions = {}) {}

  /** Starts listening on a random port; resolves with the base URL (…/v1). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A throwing reply function is a test bug: surface it as a 500 the test will see.
        if (!res.headersSent)
          sendJson(res, 500, { error: { message: `fake server: ${String(e)}`, type: 'fake_bug' } });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('FakeOpenAiServer is not started');
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** http://127.0.0.1:port — for files served with addFile. */
  get origin(): string {
    return this.baseUrl.slice(0, -'/v1'.length);
  }

  /** Adds a rule; the first rule (in order added) that matches a chat request answers it. */
  on(match: FakeMatch, reply: FakeReply, opts: { times?: number } = {}): this {
    this.rules.push({ match, reply, times: opts.times, used: 0 });
    return this;
  }

  /** Shorthand: answer when the last user message contains `text` (or matches the pattern). */
  onLastUser(text: string | RegExp, reply: FakeReply, opts: { times?: number } = {}): this {
    return this.on({ lastUser: text }, reply, opts);
  }

  /** Answer for chat requests no rule matches. */
  setDefault(reply: FakeReply): this {
    this.fallback = reply;
    return this;
  }

  /** Serves a static file (documents fetched by URL). */
  addFile(path: string, body: string | Buffer, contentType = 'text/plain; charset=utf-8'): string {
    this.files.set(path, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType });
    return `${this.origin}${path}`;
  }

  /** Bodies of the chat completion requests received, in order. */
  chatRequests(): FakeChatBody[] {
    return this.requests
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => r.body as FakeChatBody);
  }

  /** Forgets rules, recorded requests and files; the default answer goes back to 'OK'. */
  reset(): void {
    this.rules.length = 0;
    this.requests.length = 0;
    this.files.clear();
    this.fallback = 'OK';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    let body: unknown;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
    } catch {
      body = undefined;
    }
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() });

    const file = this.files.get(path);
    if (file && req.method === 'GET') {
      res.writeHead(200, { 'content-type': file.contentType }).end(file.body);
    } else if (path === '/v1/models' && req.method === 'GET') {
      const ids = this.options.models ?? ['fake-extractor', 'fake-vision', 'fake-chat'];
      sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', owned_by: 'fake' })),
      });
    } else if (path === '/v1/embeddings' && req.method === 'POST') {
      this.embeddings(res, body);
    } else if (path === '/v1/chat/completions' && req.method === 'POST') {
      if (!isChatBody(body)) {
        sendJson(res, 400, {
          error: { message: 'body must be JSON with model and messages', type: 'invalid_request_error' },
        });
        return;
      }
      await this.chat(req, res, body);
    } else {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    }
  }

  private pick(body: FakeChatBody): FakeReplySpec {
    const rule = this.rules.find(
      (r) => (r.times === undefined || r.used < r.times) && matches(r.match, body),
    );
    if (rule) rule.used++;
    const reply = rule ? rule.reply : this.fallback;
    const spec = typeof reply === 'function' ? reply(body) : reply;
    return typeof spec === 'string' ? { content: spec } : spec;
  }

  private async chat(req: IncomingMessage, res: ServerResponse, body: FakeChatBody): Promise<void> {
    const spec = this.pick(body);
    if (spec.delayMs) await delay(spec.delayMs);
    if (clientGone(res)) return; // the client gave up (timeout/abort)
    if (spec.destroy) {
      req.socket.destroy();
      return;
    }
    const headers = spec.headers ?? {};
    if (spec.rawBody !== undefined) {
      res.writeHead(spec.status ?? 200, { 'content-type': 'application/json', ...headers }).end(spec.rawBody);
      return;
    }
    if (spec.status && spec.status >= 300) {
      res.writeHead(spec.status, { 'content-type': 'application/json', ...headers });
      res.end(
        JSON.stringify({
          error: { message: spec.error ?? `scripted failure ${spec.status}`, type: 'fake_error' },
        }),
      );
      return;
    }
    const content = spec.json !== undefined ? JSON.stringify(spec.json) : (spec.content ?? '');
    const model = spec.model ?? body.model;
    const usage = {
      prompt_tokens: spec.usage?.prompt_tokens ?? approxTokens(body.messages.map(messageText).join('\n')),
      completion_tokens: spec.usage?.completion_tokens ?? approxTokens(content),
    };
    const fullUsage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
    const finish = spec.finishReason ?? 'stop';
    if (!body.stream) {
      sendJson(
        res,
        200,
        {
          id: `chatcmpl-fake-${this.requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
          usage: fullUsage,
        },
        headers,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
      `data: ${JSON.stringify({ object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
    res.write(chunk({ role: 'assistant' }, null));
    const size = Math.max(1, spec.streamChunkSize ?? 4);
    for (let i = 0; i < content.length; i += size) {
      if (spec.streamDelayMs) await delay(spec.streamDelayMs);
      if (clientGone(res)) return;
      res.write(chunk({ content: content.slice(i, i + size) }, null));
    }
    res.write(chunk({}, finish));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ object: 'chat.completion.chunk', model, choices: [], usage: fullUsage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }

  private embeddings(res: ServerResponse, body: unknown): void {
    const b = (body ?? {}) as { input?: unknown; model?: unknown; dimensions?: unknown };
    const inputs =
      typeof b.input === 'string' ? [b.input] : Array.isArray(b.input) ? b.input.map(String) : null;
    if (!inputs) {
      sendJson(res, 400, {
        error: { message: 'input must be a string or a list of strings', type: 'invalid_request_error' },
      });
      return;
    }
    const dim = typeof b.dimensions === 'number' ? b.dimensions : (this.options.embeddingDimension ?? 64);
    sendJson(res, 200, {
      object: 'list',
      model: typeof b.model === 'string' ? b.model : 'fake-embedding',
      data: inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fakeEmbedding(text, dim),
      })),
      usage: { prompt_tokens: approxTokens(inputs.join(' ')), total_tokens: approxTokens(inputs.join(' ')) },
    });
  }
}

/** The request stream is always "destroyed" once read, so look at the socket instead. */
function clientGone(res: ServerResponse): boolean {
  return res.destroyed || !res.socket || res.socket.destroyed;
}

function isChatBody(b: unknown): b is FakeChatBody {
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof (b as FakeChatBody).model === 'string' &&
    Array.isArray((b as FakeChatBody).messages)
  );
}

/** Rough token count (4 characters per token): deterministic usage numbers for ledger tests. */
function approxTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

function sendJson(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
