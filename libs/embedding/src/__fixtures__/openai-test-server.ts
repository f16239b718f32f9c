import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbedder } from '../hashing-embedder';

/** What the test server does with the next request; consumed in order, then 'ok'. */
export type Scripted =
  'ok' | { status: number; body?: string; retryAfter?: string } | { delayMs: number } | 'wrong-dimension';

export interface RecordedRequest {
  authorization?: string;
  body: { model?: string; input?: string[]; dimensions?: number; encoding_format?: string };
}

/**
 * A real HTTP server speaking the OpenAI embeddings wire format on 127.0.0.1. Vectors come from a
 * HashingEmbedder scaled by 3 (so the client must normalise) and are returned in reverse order
 * (so the client must honour `index`). Empty strings get the 400 OpenAI sends for them.
 */
export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly script: Scripted[] = [];
  private server?: Server;
  private readonly hasher: HashingEmbedder;

  constructor(
    readonly dimension = 64,
    private readonly apiKey = 'test-key',
  ) {
    this.hasher = new HashingEmbedder({ dimension });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
    this.requests.push({ authorization: req.headers.authorization, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url !== '/v1/embeddings')
      return send(404, { error: { message: `no route ${req.url}` } });
    if (req.headers.authorization !== `Bearer ${this.apiKey}`)
      return send(401, { error: { message: 'Incorrect API key provided' } });
    const step = this.script.shift() ?? 'ok';
    if (typeof step === 'object' && 'delayMs' in step) await new Promise((r) => setTimeout(r, step.delayMs));
    else if (typeof step === 'object')
      return send(
        step.status,
        step.body ?? { error: { message: `scripted ${step.status}` } },
        step.retryAfter ? { 'retry-after': step.retryAfter } : {},
      );
    const input = body.input ?? [];
    if (input.some((t) => t === '')) return send(400, { error: { message: "'$.input' is invalid" } });
    const dim = step === 'wrong-dimension' ? this.dimension + 1 : this.dimension;
    const data = input.map((t, index) => {
      const v = step === 'wrong-dimension' ? new Float32Array(dim).fill(1) : this.hasher.embedOne(t);
      return { object: 'embedding', index, embedding: Array.from(v, (x) => x * 3) };
    });
    if (res.destroyed) return;
    send(200, {
      object: 'list',
      model: body.model,
      data: data.reverse(),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  }
}
