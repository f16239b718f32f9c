import { FakeOpenAiServer } from '@engram/testing';
import { startTestServer, type TestServer } from './harness';

jest.setTimeout(60_000);

interface Mem {
  id: string;
  memory: string;
  metadata: { sources: { message_id: string }[]; tags: string[]; is_fast: boolean; status: string; valid_from: string | null };
}

/** Fine mode end to end: REST add → extraction through the real LLM client against the fake server. */
describe('fine mode through the HTTP API (fake OpenAI-compatible server)', () => {
  const fake = new FakeOpenAiServer();
  let s: TestServer;
  beforeAll(async () => {
    await fake.start();
    s = await startTestServer({
      ENGRAM_LLM_BASE_URL: fake.baseUrl,
      ENGRAM_LLM_EXTRACTOR_MODEL: 'fake-extractor',
      ENGRAM_LLM_MAX_RETRIES: '0',
      ENGRAM_LLM_STRUCTURED_ATTEMPTS: '2',
    });
  });
  afterAll(async () => {
    await s.stop();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  const memories = async (cube: string): Promise<Mem[]> =>
    (await s.http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200)).body.data.text_mem[0].memories;

  it('sync fine returns Chinese memories citing their messages; the raw window retires', async () => {
    fake.on({ lastUser: /杭州/ }, {
      json: {
        memories: [{ key: '出差计划', value: '用户计划于2026年6月去杭州出差。', memory_type: 'UserMemory', tags: ['出行'], event_time: '2026-06', source_message_ids: ['zh-1'] }],
        summary: '用户的出差计划。',
      },
    });
    const r = await s.http.post('/product/add').send({
      user_id: 'li', async_mode: 'sync', mode: 'fine',
      messages: [
        { role: 'user', content: '我下个月要去杭州出差。', message_id: 'zh-1', chat_time: '2026-05-10T08:00:00Z' },
        { role: 'assistant', content: '祝你出差顺利！', message_id: 'zh-2', chat_time: '2026-05-10T08:00:03Z' },
      ],
    }).expect(200);
    expect(r.body.data).toEqual([expect.objectContaining({ memory: '用户计划于2026年6月去杭州出差。', memory_type: 'UserMemory' })]);
    const prompt = JSON.stringify(fake.chatRequests()[0]);
    expect(prompt).toMatch(/zh-1/); // the model saw the message ids it must cite
    const mems = await memories('li');
    expect(mems).toHaveLength(1);
    expect(mems[0]!.metadata.sources.map((x) => x.message_id)).toEqual(['zh-1']);
    expect(mems[0]!.metadata.is_fast).toBe(false);
    const found = await s.http.post('/product/search').send({ user_id: 'li', query: '杭州出差', relativity: 0 }).expect(200);
    expect(found.body.data.text_mem[0].memories.map((m: Mem) => m.memory)).toEqual(['用户计划于2026年6月去杭州出差。']);
  });

  it('async add is searchable at once, then fine; malformed output fails the task and keeps the raw memory', async () => {
    fake.setDefault({ rawBody: '{"memories": [ {"key": ' });
    const r = await s.http.post('/product/add').send({ user_id: 'ana', messages: [{ role: 'user', content: 'I am allergic to peanuts.', message_id: 'a1' }] }).expect(200);
    expect(r.body.task_status).toBe('waiting');
    await s.http.post('/product/scheduler/wait?user_name=ana&timeout_seconds=30').expect(200);
    const st = await s.http.get(`/product/scheduler/status?task_id=${r.body.task_id}`).expect(200);
    expect(st.body.data[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/raw memories kept/) });
    const mems = await memories('ana');
    expect(mems).toHaveLength(1);
    expect(mems[0]!.metadata.is_fast).toBe(true);
    expect(mems[0]!.metadata.tags).toContain('extract:failed');
  });

  it('an empty extraction keeps the raw memory and the task says why', async () => {
    fake.setDefault({ json: { memories: [], summary: '' } });
    const r = await s.http.post('/product/add').send({ user_id: 'bo', async_mode: 'sync', mode: 'fine', messages: 'ok thanks' }).expect(200);
    expect(r.body.data[0].memory).toContain('ok thanks');
    const st = await s.http.get(`/product/scheduler/status?task_id=${r.body.task_id}`).expect(200);
    expect(st.body.data[0].status).toBe('completed');
    expect((await memories('bo'))[0]!.metadata.tags).toContain('extract:empty');
  });

  it('/health reports fine mode', async () => {
    const h = await s.http.get('/health').expect(200);
    expect(h.body).toMatchObject({ fine_mode: true, extractor_model: 'fake-extractor' });
  });

  it('/metrics counts the LLM tokens the extractions used', async () => {
    const m = (await s.http.get('/metrics').expect(200)).text;
    const prompt = m
      .split('\n')
      .find((l) => l.startsWith('engram_llm_tokens_total{') && l.includes('model="fake-extractor"') && l.includes('kind="prompt"'));
    expect(prompt).toContain('service="engram"');
    expect(Number(prompt!.split(' ').pop())).toBeGreaterThan(0);
  });
});
