import { FakeOpenAiServer } from '@engram/testing';
import { createLlmClient, type LlmClientDeps } from './client';
import type { LlmConfigInput } from './config';
import { LlmHttpError, LlmNotConfiguredError, LlmTimeoutError, LlmTransportError } from './errors';
import { UsageLedger } from './usage-ledger';

const fake = new FakeOpenAiServer();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const client = (over: LlmConfigInput = {}, deps: LlmClientDeps = {}) =>
  createLlmClient(
    {
      baseUrl: fake.baseUrl,
      apiKey: 'sk-test',
      models: { extractor: 'fake-extractor', chat: 'fake-chat' },
      timeoutMs: 2000,
      maxConcurrency: 4,
      maxRetries: 2,
      retryBaseMs: 5,
      retryMaxMs: 20,
      ...over,
    },
    deps,
  );
const ask = (text: string) => ({ tenant_id: 't1', messages: [{ role: 'user' as const, content: text }] });

describe('OpenAiCompatibleClient.chat', () => {
  it('posts an OpenAI chat completion with the role model and bearer key', async () => {
    fake.onLastUser('hello', 'hi there');
    const r = await client().chat({ ...ask('hello'), role: 'extractor', temperature: 0 });
    expect(r.content).toBe('hi there');
    expect(r.model).toBe('fake-extractor');
    expect(r.finish_reason).toBe('stop');
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body).toMatchObject({
      model: 'fake-extractor',
      temperature: 0,
      messages: [{ role: 'user', content: 'hello' }],
    });
  });

  it('omits the Authorization header when no key is set (Ollama, vLLM)', async () => {
    await client({ apiKey: '' }).chat(ask('x'));
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('throws LlmNotConfiguredError without an endpoint, and reports it', async () => {
    const c = createLlmClient({});
    expect(c.isConfigured()).toBe(false);
    expect(c.modelFor('extractor')).toBeNull();
    await expect(c.chat(ask('x'))).rejects.toBeInstanceOf(LlmNotConfiguredError);
    await expect(c.chat(ask('x'))).rejects.toThrow(/ENGRAM_LLM_BASE_URL/);
  });

  it('has no vision model unless one is configured (no fallback to a text model)', async () => {
    const c = client();
    expect(c.isConfigured('vision')).toBe(false);
    await expect(c.chat({ ...ask('x'), role: 'vision' })).rejects.toThrow(/'vision' role/);
    expect(client({ models: { chat: 'only-chat' } }).modelFor('extractor')).toBe('only-chat');
  });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    fake.on(() => true, { status: 503 }, { times: 1 });
    fake.on(() => true, { status: 429, headers: { 'retry-after': '0' } }, { times: 1 });
    fake.setDefault('finally');
    const r = await client().chat(ask('x'));
    expect(r.content).toBe('finally');
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('gives up after maxRetries with the last HTTP error', async () => {
    fake.setDefault({ status: 500, error: 'boom' });
    const err = await client({ maxRetries: 1 })
      .chat(ask('x'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmHttpError);
    expect((err as LlmHttpError).status).toBe(500);
    expect((err as Error).message).toContain('boom');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('does not retry a 400 or 401', async () => {
    fake.setDefault({ status: 401, error: 'bad key' });
    await expect(client().chat(ask('x'))).rejects.toThrow(/401: bad key/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('retries a malformed body and a dropped connection', async () => {
    fake.on(() => true, { rawBody: '{"choices": [' }, { times: 1 });
    fake.on(() => true, { destroy: true }, { times: 1 });
    fake.setDefault('ok');
    expect((await client().chat(ask('x'))).content).toBe('ok');
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('reports a malformed body as LlmTransportError when retries run out', async () => {
    fake.setDefault({ rawBody: 'not json at all' });
    await expect(client({ maxRetries: 0 }).chat(ask('x'))).rejects.toBeInstanceOf(LlmTransportError);
  });

  it('times out a slow answer per attempt', async () => {
    fake.setDefault({ content: 'late', delayMs: 500 });
    const started = Date.now();
    await expect(client({ timeoutMs: 80, maxRetries: 1 }).chat(ask('x'))).rejects.toBeInstanceOf(
      LlmTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(450);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('stops at once when the caller aborts', async () => {
    fake.setDefault({ content: 'late', delayMs: 500 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(client().chat({ ...ask('x'), signal: ac.signal })).rejects.toThrow(/aborted/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('never runs more than maxConcurrency requests at once', async () => {
    fake.setDefault({ content: 'ok', delayMs: 100 });
    const c = client({ maxConcurrency: 2 });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, c.semaphore.inFlight)), 5);
    await Promise.all([1, 2, 3, 4, 5].map((i) => c.chat(ask(`q${i}`))));
    clearInterval(sampler);
    expect(peak).toBe(2);
    const at = fake.requests.map((r) => r.at);
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(80); // the third waited for a slot
    expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(160);
  });

  it('books token usage per tenant and model in the ledger', async () => {
    fake.setDefault({ content: 'ok', usage: { prompt_tokens: 10, completion_tokens: 3 } });
    const ledger = new UsageLedger();
    const seen: string[] = [];
    ledger.onRecord((d) => seen.push(`${d.tenant_id}/${d.model}/${d.total_tokens}`));
    const c = client({}, { ledger });
    await c.chat({ ...ask('a'), tenant_id: 'acme', role: 'extractor' });
    await c.chat({ ...ask('b'), tenant_id: 'acme', role: 'extractor' });
    await c.chat({ ...ask('c'), tenant_id: 'globex' });
    expect(ledger.snapshot()).toEqual(
      expect.arrayContaining([
        {
          tenant_id: 'acme',
          model: 'fake-extractor',
          requests: 2,
          prompt_tokens: 20,
          completion_tokens: 6,
          total_tokens: 26,
        },
        {
          tenant_id: 'globex',
          model: 'fake-chat',
          requests: 1,
          prompt_tokens: 10,
          completion_tokens: 3,
          total_tokens: 13,
        },
      ]),
    );
    expect(ledger.totals('acme').total_tokens).toBe(26);
    expect(ledger.totals().requests).toBe(3);
    expect(seen).toEqual(['acme/fake-extractor/13', 'acme/fake-extractor/13', 'globex/fake-chat/13']);
  });

  it('lists models', async () => {
    expect(await client().listModels()).toEqual(['fake-extractor', 'fake-vision', 'fake-chat']);
  });
});
