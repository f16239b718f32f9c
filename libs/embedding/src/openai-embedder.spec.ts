import { describeEmbedderConformance } from '@engram/testing';
import { OpenAiTestServer } from './__fixtures__/openai-test-server';
import { EmbeddingRequestError, OpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder';
import { norm } from './vector';

describe('OpenAiEmbedder against a local HTTP server', () => {
  const server = new OpenAiTestServer(64);
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.script.length = 0;
  });
  const make = (o: Partial<OpenAiEmbedderOptions> = {}) =>
    new OpenAiEmbedder({
      baseUrl,
      apiKey: 'test-key',
      model: 'text-embedding-3-small',
      dimensions: 64,
      retryBaseMs: 5,
      ...o,
    });

  it('sends model, dimensions and bearer key; returns normalised vectors in input order', async () => {
    const e = make();
    const [a, b] = await e.embed(['first text', 'second text'], 'document');
    expect(server.requests[0]).toMatchObject({
      authorization: 'Bearer test-key',
      body: {
        model: 'text-embedding-3-small',
        dimensions: 64,
        input: ['first text', 'second text'],
        encoding_format: 'float',
      },
    });
    expect(norm(a)).toBeCloseTo(1, 5);
    const [a2] = await e.embed(['first text'], 'document');
    expect(Array.from(a2)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
    expect(e.id).toBe('openai:text-embedding-3-small:64');
  });

  it('splits large inputs into batches', async () => {
    const out = await make({ batchSize: 2 }).embed(['a', 'b', 'c', 'd', 'e'], 'query');
    expect(out).toHaveLength(5);
    expect(server.requests.map((r) => r.body.input?.length)).toEqual([2, 2, 1]);
  });

  it('can omit dimensions and apply query/document prefixes', async () => {
    await make({ sendDimensions: false, queryPrefix: 'query: ' }).embed(['x'], 'query');
    expect(server.requests[0].body.dimensions).toBeUndefined();
    expect(server.requests[0].body.input).toEqual(['query: x']);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    server.script.push({ status: 429, retryAfter: '0' }, { status: 503 }, { status: 500 });
    const [v] = await make().embed(['retry me'], 'query');
    expect(v).toHaveLength(64);
    expect(server.requests).toHaveLength(4);
  });

  it('gives up after maxRetries with the status and server message', async () => {
    server.script.push({ status: 500 }, { status: 502 }, { status: 503 });
    const err = await make({ maxRetries: 2 })
      .embed(['x'], 'query')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingRequestError);
    expect((err as EmbeddingRequestError).status).toBe(503);
    expect((err as Error).message).toMatch(/HTTP 503: scripted 503 \(after 3 attempts\)/);
  });

  it('does not retry a 4xx such as a bad API key', async () => {
    const err = await make({ apiKey: 'wrong' })
      .embed(['x'], 'query')
      .catch((e: unknown) => e);
    expect((err as EmbeddingRequestError).status).toBe(401);
    expect((err as Error).message).toContain('Incorrect API key provided');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow attempt and retries it', async () => {
    server.script.push({ delayMs: 400 });
    const [v] = await make({ timeoutMs: 100 }).embed(['slow'], 'query');
    expect(v).toHaveLength(64);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a timeout clearly once retries are exhausted', async () => {
    server.script.push({ delayMs: 300 });
    await expect(make({ timeoutMs: 50, maxRetries: 0 }).embed(['slow'], 'query')).rejects.toThrow(
      /timed out after 50 ms/,
    );
  });

  it('rejects a response whose dimension differs from the configured one', async () => {
    server.script.push('wrong-dimension');
    await expect(make().embed(['x'], 'query')).rejects.toThrow(
      /returned 65 dims, configured dimensions is 64/,
    );
  });

  it('reports an unreachable server as a network error', async () => {
    const e = new OpenAiEmbedder({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      dimensions: 8,
      maxRetries: 0,
    });
    await expect(e.embed(['x'], 'query')).rejects.toThrow(/network error/);
  });

  it('validates its options', () => {
    expect(() => make({ dimensions: 0 })).toThrow(/dimensions/);
    expect(() => make({ baseUrl: '' })).toThrow(/baseUrl/);
  });
});

describe('OpenAiEmbedder conformance', () => {
  const server = new OpenAiTestServer(128);
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.stop());
  describeEmbedderConformance(
    'openai (local test server)',
    async () => new OpenAiEmbedder({ baseUrl, apiKey: 'test-key', model: 'test-model', dimensions: 128 }),
  );
});
