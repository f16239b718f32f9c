import { FakeOpenAiServer } from './server';

const fake = new FakeOpenAiServer({ embeddingDimension: 16 });
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const post = (path: string, body: unknown) =>
  fetch(`${fake.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const chat = async (content: string, extra: Record<string, unknown> = {}) =>
  (await (
    await post('/chat/completions', { model: 'm', messages: [{ role: 'user', content }], ...extra })
  ).json()) as {
    choices: { message: { content: string } }[];
  };

describe('FakeOpenAiServer', () => {
  it('answers by rule order, honours `times`, and falls back to the default', async () => {
    fake.onLastUser(/weather/, 'sunny', { times: 1 });
    fake.on({ responseFormat: 'json_object' }, { json: { ok: true } });
    fake.setDefault((body) => `echo ${body.messages.length}`);
    expect((await chat('weather?')).choices[0]!.message.content).toBe('sunny');
    expect((await chat('weather?')).choices[0]!.message.content).toBe('echo 1');
    expect((await chat('x', { response_format: { type: 'json_object' } })).choices[0]!.message.content).toBe(
      '{"ok":true}',
    );
    expect(fake.chatRequests()).toHaveLength(3);
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('serves deterministic unit-length embeddings', async () => {
    const res = (await (
      await post('/embeddings', { model: 'e', input: ['green tea', 'green tea', 'coffee'] })
    ).json()) as {
      data: { embedding: number[]; index: number }[];
    };
    const [a, b, c] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(16);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
  });

  it('lists models and 404s unknown routes', async () => {
    const models = (await (await fetch(`${fake.baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain('fake-extractor');
    expect((await post('/nope', {})).status).toBe(404);
  });

  it('scripts failures: status codes and malformed bodies', async () => {
    fake.on(() => true, { status: 429, error: 'slow down', headers: { 'retry-after': '1' } }, { times: 1 });
    fake.setDefault({ rawBody: '{"broken":' });
    const limited = await post('/chat/completions', { model: 'm', messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ error: { message: 'slow down', type: 'fake_error' } });
    expect(await (await post('/chat/completions', { model: 'm', messages: [] })).text()).toBe('{"broken":');
  });
});
