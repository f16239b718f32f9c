import { startTestServer, type TestServer } from './harness';

jest.setTimeout(60_000);

interface WireMemory {
  id: string;
  memory: string;
  metadata: { sources: { message_id: string }[]; relativity: number; session_id: string; user_id: string };
}
const textMems = (body: { data: { text_mem: { memories: WireMemory[] }[] } }): WireMemory[] =>
  body.data.text_mem.flatMap((b) => b.memories);

describe('REST API (standalone, embedded stores, real embedding model)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s.stop());

  const add = (body: object) => s.http.post('/product/add').send(body);
  const search = (body: object) => s.http.post('/product/search').send({ relativity: 0, ...body });

  it('GET /health reports the embedder', async () => {
    const r = await s.http.get('/health').expect(200);
    expect(r.body.status).toBe('healthy');
    expect(r.body.embedder).toEqual(expect.any(String));
  });

  it('add → search finds it with its source message ids (English)', async () => {
    const r = await add({
      user_id: 'alice',
      session_id: 's1',
      async_mode: 'sync',
      messages: [
        { role: 'user', content: 'I adopted a golden retriever named Biscuit last week.', chat_time: '2026-05-02T09:00:00Z', message_id: 'D1:1' },
        { role: 'assistant', content: 'Congratulations on Biscuit!', chat_time: '2026-05-02T09:00:05Z', message_id: 'D1:2' },
      ],
    }).expect(200);
    expect(r.body.code).toBe(200);
    expect(r.body.task_id).toEqual(expect.any(String));
    expect(r.body.data).toHaveLength(1);
    await add({ user_id: 'alice', messages: [{ role: 'user', content: 'My favourite programming language is Rust.', message_id: 'D2:1' }] }).expect(200);

    const found = await search({ user_id: 'alice', query: 'What is the name of my dog?' }).expect(200);
    const mems = textMems(found.body);
    expect(mems[0]!.memory).toContain('Biscuit');
    expect(mems[0]!.metadata.sources.map((x) => x.message_id)).toEqual(['D1:1', 'D1:2']);
    expect(mems[0]!.metadata.relativity).toBeGreaterThan(mems[mems.length - 1]!.metadata.relativity - 1e-9);
  });

  it('add → search in Chinese', async () => {
    await add({
      user_id: 'wang',
      messages: [
        { role: 'user', content: '我下个月要去杭州出差，想住在西湖附近的连锁酒店。', message_id: 'zh-1' },
        { role: 'user', content: '我每天早上都喝一杯黑咖啡。', message_id: 'zh-2' },
      ],
    }).expect(200);
    await add({ user_id: 'wang', messages: [{ role: 'user', content: '我的猫叫小白，今年三岁了。', message_id: 'zh-3' }] }).expect(200);
    const r = await search({ user_id: 'wang', query: '酒店', dedup: 'no' }).expect(200);
    const mems = textMems(r.body);
    expect(mems[0]!.memory).toContain('连锁酒店');
    expect(mems[0]!.metadata.sources.map((x) => x.message_id)).toContain('zh-1');
    const cat = textMems((await search({ user_id: 'wang', query: '小白是什么动物' }).expect(200)).body);
    expect(cat[0]!.metadata.sources.map((x) => x.message_id)).toEqual(['zh-3']);
  });

  it('the same add twice gives one set of memories', async () => {
    const body = { user_id: 'bob', messages: [{ role: 'user', content: 'I live in Oslo.' }, { role: 'user', content: 'I work as a nurse.' }] };
    const a = await add(body).expect(200);
    const b = await add(body).expect(200);
    expect(b.body.data.map((m: { memory_id: string }) => m.memory_id)).toEqual(a.body.data.map((m: { memory_id: string }) => m.memory_id));
    expect(b.body.message).toMatch(/idempotent/);
    const all = await s.http.post('/product/get_memory').send({ mem_cube_id: 'bob' }).expect(200);
    expect(all.body.data.text_mem[0].total_nodes).toBe(1);
  });

  it('an idempotency key gives the same ids on retry', async () => {
    const body = { user_id: 'kim', messages: 'Kim prefers window seats.' };
    const a = await s.http.post('/product/add').set('Idempotency-Key', 'req-1').send(body).expect(200);
    const b = await s.http.post('/product/add').set('Idempotency-Key', 'req-1').send(body).expect(200);
    expect(b.body.data[0].memory_id).toBe(a.body.data[0].memory_id);
  });

  it('get_memory pages newest first; none = all', async () => {
    for (let i = 0; i < 7; i++) {
      await add({ user_id: 'pager', messages: [{ role: 'user', content: `Note number ${i} about gardening.`, message_id: `p${i}` }] }).expect(200);
    }
    const p1 = await s.http.post('/product/get_memory').send({ mem_cube_id: 'pager', page: 1, page_size: 3 }).expect(200);
    const p3 = await s.http.post('/product/get_memory').send({ mem_cube_id: 'pager', page: 3, page_size: 3 }).expect(200);
    const all = await s.http.post('/product/get_memory').send({ mem_cube_id: 'pager' }).expect(200);
    expect(p1.body.data.text_mem[0].memories).toHaveLength(3);
    expect(p1.body.data.text_mem[0].total_nodes).toBe(7);
    expect(p3.body.data.text_mem[0].memories).toHaveLength(1);
    expect(all.body.data.text_mem[0].memories).toHaveLength(7);
    const times = all.body.data.text_mem[0].memories.map((m: WireMemory & { metadata: { updated_at: string } }) => m.metadata.updated_at);
    expect([...times].sort().reverse()).toEqual(times);
    const one = all.body.data.text_mem[0].memories[0];
    const got = await s.http.get(`/product/get_memory/${one.id}`).expect(200);
    expect(got.body.data.memory).toBe(one.memory);
    const byIds = await s.http.post('/product/get_memory_by_ids').send([one.id, 'nope']).expect(200);
    expect(byIds.body.data).toHaveLength(1);
    await s.http.get('/product/get_memory/00000000-0000-0000-0000-000000000000').expect(404);
  });

  it('filters: and/or with operators, and a per-cube form', async () => {
    await add({ user_id: 'flt', session_id: 'a', info: { topic: 'food', score: 3 }, messages: 'I love ramen.' }).expect(200);
    await add({ user_id: 'flt', session_id: 'b', info: { topic: 'travel', score: 8 }, messages: 'I love trains across Japan.' }).expect(200);
    const q = (filter: object) => search({ user_id: 'flt', query: 'love', dedup: 'no', filter }).expect(200);
    expect(textMems((await q({ and: [{ topic: 'food' }] })).body).map((m) => m.memory)).toEqual([expect.stringContaining('ramen')]);
    expect(textMems((await q({ score: { gt: 5 } })).body)).toHaveLength(1);
    expect(textMems((await q({ or: [{ session_id: 'a' }, { session_id: 'b' }] })).body)).toHaveLength(2);
    expect(textMems((await q({ topic: { in: ['travel', 'x'] } })).body)[0]!.memory).toContain('trains');
    expect(textMems((await q({ memory: { like: '%ramen%' } })).body)).toHaveLength(1);
    expect(textMems((await q({ flt: { session_id: 'b' } })).body)).toHaveLength(1);
  });

  it('delete by id and by filter', async () => {
    const a = await add({ user_id: 'del', session_id: 'x', messages: 'Delete me by id.' }).expect(200);
    await add({ user_id: 'del', session_id: 'y', messages: 'Delete me by session.' }).expect(200);
    await add({ user_id: 'del', session_id: 'z', messages: 'Keep me.' }).expect(200);
    const id = a.body.data[0].memory_id;
    const d1 = await s.http.post('/product/delete_memory').send({ memory_ids: [id] }).expect(200);
    expect(d1.body.data.deleted).toBe(1);
    await s.http.get(`/product/get_memory/${id}`).expect(404);
    const d2 = await s.http.post('/product/delete_memory').send({ writable_cube_ids: ['del'], filter: { session_id: 'y' } }).expect(200);
    expect(d2.body.data.deleted).toBe(1);
    const left = await s.http.post('/product/get_memory').send({ mem_cube_id: 'del' }).expect(200);
    expect(left.body.data.text_mem[0].memories.map((m: WireMemory) => m.memory)).toEqual([expect.stringContaining('Keep me')]);
    const found = textMems((await search({ user_id: 'del', query: 'Delete me' }).expect(200)).body);
    expect(found.map((m) => m.memory)).toEqual([expect.stringContaining('Keep me')]);
  });

  describe('bad input → 4xx with a clear message and nothing stored', () => {
    const count = async (cube: string) =>
      (await s.http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200)).body.data.text_mem[0].total_nodes;

    it.each([
      [{ messages: 'hi' }, /user_id/],
      [{ user_id: 'bad', messages: [{ role: 'robot', content: 'x' }] }, /role must be one of/],
      [{ user_id: 'bad', messages: [{ role: 'user', content: 'ok' }, { role: 'user' }] }, /messages\[1\]/],
      [{ user_id: 'bad', messages: [] }, /empty/],
      [{ user_id: 'bad' }, /messages is required/],
      [{ user_id: 'bad', messages: 'x', info: { status: 'y' } }, /collides/],
    ])('add %j', async (body, re) => {
      const r = await add(body).expect(400);
      expect(r.body).toMatchObject({ code: 400, data: null });
      expect(r.body.message).toMatch(re);
      expect(await count('bad')).toBe(0);
    });

    it('unknown filter operator', async () => {
      const r = await search({ user_id: 'alice', query: 'x', filter: { created_at: { between: [1, 2] } } }).expect(400);
      expect(r.body.message).toMatch(/unknown filter operator 'between'/);
    });

    it('malformed JSON', async () => {
      const r = await s.http.post('/product/add').set('content-type', 'application/json').send('{"user_id": ').expect(400);
      expect(r.body.message).toMatch(/malformed JSON/);
    });

    it('fine mode without an LLM is refused clearly', async () => {
      const r = await add({ user_id: 'bad', async_mode: 'sync', mode: 'fine', messages: 'x' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.message).toMatch(/LLM/);
      expect(await count('bad')).toBe(0);
    });

    it('empty filter delete is refused', async () => {
      await s.http.post('/product/delete_memory').send({ filter: {} }).expect(400);
    });
  });

  it('cloud-style routes map onto the same core', async () => {
    const a = await s.http.post('/add/message').send({ user_id: 'cloud', conversation_id: 'c1', messages: [{ role: 'user', content: 'I play the cello on Sundays.' }] }).expect(200);
    expect(a.body.data.success).toBe(true);
    const r = await s.http.post('/search/memory').send({ user_id: 'cloud', query: 'What instrument do I play?' }).expect(200);
    expect(r.body.data.memory_detail_list[0].memory_value).toContain('cello');
    const g = await s.http.post('/get/memory').send({ user_id: 'cloud' }).expect(200);
    expect(g.body.data.total).toBe(1);
    const d = await s.http.post('/delete/memory').send({ memory_ids: [a.body.data.memory_ids[0]] }).expect(200);
    expect(d.body.data.deleted).toBe(1);
  });

  it('serves an OpenAPI document and the scheduler routes', async () => {
    const doc = await s.http.get('/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/product/add', '/product/search', '/add/message']));
    expect(doc.body.paths['/product/search'].post.requestBody.content['application/json'].schema.properties.top_k.default).toBe(10);
    const r = await add({ user_id: 'sched', task_id: 'task-42', messages: 'hello there' }).expect(200);
    expect(r.body.task_id).toBe('task-42');
    const st = await s.http.get('/product/scheduler/status?task_id=task-42').expect(200);
    expect(st.body.data).toEqual([{ task_id: 'task-42', status: 'completed' }]);
    const w = await s.http.post('/product/scheduler/wait?user_name=sched&timeout_seconds=1').expect(200);
    expect(w.body.message).toBe('idle');
  });
});
