import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './harness';
import { ROOT } from './process';

jest.setTimeout(60_000);

/** Issue 10 (items 5 and 7): the HTTP edge, the ids it stores and the OpenAPI document it serves. */
describe('HTTP hardening (standalone)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ENGRAM_EMBEDDER: 'hashing' });
  });
  afterAll(async () => s.stop());

  const total = async (cube: string) =>
    (await s.http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200)).body.data.text_mem[0].total_nodes;

  describe('the OpenAPI document', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is asserted on as JSON
    let doc: any;
    beforeAll(async () => {
      doc = (await s.http.get('/openapi.json').expect(200)).body;
    });

    it('is a valid OpenAPI document whose every $ref resolves', () => {
      // the validator (and its parser) are ES modules: it runs as the project's script, not inside jest
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/validate-openapi.mjs'), '-'], { input: JSON.stringify(doc), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^valid OpenAPI 3/);
      expect(r.status).toBe(0);
      expect(JSON.stringify(doc)).not.toContain('#/properties/');
    });

    it('documents the envelope for 200 and 400 on every route, 404/413/422 where a route answers them', () => {
      for (const [path, item] of Object.entries<Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>(doc.paths)) {
        if (path === '/health' || path === '/ready') continue;
        for (const op of Object.values(item)) {
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400']));
          expect(op.responses['400']).toMatchObject({ content: { 'application/json': { schema: { required: ['code', 'message', 'data'] } } } });
          if (op.requestBody) expect(op.responses['413']).toBeDefined();
        }
      }
      expect(doc.paths['/product/get_memory/{memory_id}'].get.responses['404']).toBeDefined();
      expect(doc.paths['/product/add'].post.responses['422']).toBeDefined();
    });

    it('gives the cloud routes real, required bodies', () => {
      for (const path of ['/add/message', '/search/memory', '/get/memory', '/delete/memory']) {
        const body = doc.paths[path].post.requestBody;
        expect(body.required).toBe(true);
        expect(Object.keys(body.content['application/json'].schema.properties)).toContain('user_id');
      }
      expect(doc.paths['/add/message'].post.requestBody.content['application/json'].schema.required).toEqual(['messages']);
    });

    it('states the id rule the server applies (a pattern refusing control characters and blanks)', () => {
      const userId = doc.paths['/product/add'].post.requestBody.content['application/json'].schema.properties.user_id;
      expect(userId).toMatchObject({ type: 'string', minLength: 1, maxLength: 256 });
      const re = new RegExp(userId.pattern, 'u');
      expect(re.test('alice')).toBe(true);
      expect(re.test('a\u0000b')).toBe(false);
      expect(re.test(' \t ')).toBe(false);
    });
  });

  it('a method a route does not serve is 405 with an Allow header (TRACE, DELETE)', async () => {
    const trace = await s.http.trace('/health').expect(405);
    expect(trace.headers['allow']).toBe('GET, HEAD');
    expect(trace.body).toMatchObject({ code: 405, data: null });
    const del = await s.http.delete('/product/add').expect(405);
    expect(del.headers['allow']).toBe('POST');
    await s.http.get('/no/such/route').expect(404);
  });

  it('/health names the embedder and no filesystem path', async () => {
    const r = await s.http.get('/health').expect(200);
    expect(r.body.embedder).toEqual(expect.any(String));
    expect(r.body).not.toHaveProperty('data_dir');
    expect(JSON.stringify(r.body)).not.toContain(s.dataDir);
  });

  it.each(['null', '3', '"text"'])('a JSON body %s that is not an object is refused as such', async (raw) => {
    const r = await s.http.post('/product/add').set('content-type', 'application/json').send(raw).expect(400);
    expect(r.body).toEqual({ code: 400, message: 'request body must be a JSON object', data: null });
  });

  it('/add/message without a body is refused as such, and with its documented body it adds', async () => {
    const none = await s.http.post('/add/message').expect(400);
    expect(none.body.message).toBe('request body must be a JSON object');
    const ok = await s.http.post('/add/message').send({ user_id: 'cloud-e', messages: 'I keep bees.' }).expect(200);
    expect(ok.body.data.memory_ids).toHaveLength(1);
  });

  it('a page past the listing limit is a 400, not a 500 from the store (fuzzer finding)', async () => {
    const cloud = await s.http.post('/get/memory').send({ user_id: 'u', page: 1113636405447315840, size: 12 }).expect(400);
    expect(cloud.body.message).toMatch(/page/);
    const product = await s.http.post('/product/get_memory').send({ mem_cube_id: 'u', page: 1e12, page_size: 10 }).expect(400);
    expect(product.body.message).toMatch(/page/);
  });

  describe('control characters and lone surrogates in stored text are refused, naming the field', () => {
    const message = { role: 'user', content: 'hello' };
    it.each([
      [{ user_id: 'nul\u0000user' }, /user_id: contains the control character U\+0000/],
      [{ user_id: 'safe-e', writable_cube_ids: ['cube\u0000x'] }, /writable_cube_ids\.0: contains the control character U\+0000/],
      [{ user_id: 'safe-e', mem_cube_id: 'cube\u0007' }, /mem_cube_id: contains the control character U\+0007/],
      [{ user_id: 'safe-e', session_id: 's\ud800' }, /session_id: contains a lone UTF-16 surrogate/],
      [{ user_id: 'safe-e', task_id: '\udc00t' }, /task_id: contains a lone UTF-16 surrogate/],
      [{ user_id: 'safe-e', custom_tags: ['ok', 't\u0000'] }, /custom_tags\.1: contains the control character/],
      [{ user_id: 'safe-e', idempotency_key: 'k\u0000' }, /idempotency_key: contains the control character/],
      [{ user_id: 'safe-e', info: { 'k\u0000': 1 } }, /info: key "k\\u0000" contains the control character/],
      [{ user_id: 'safe-e', info: { deep: { list: ['ok', 'v\ud83d'] } } }, /info: deep\.list\.1 contains a lone UTF-16 surrogate/],
    ])('add %j', async (fields, re) => {
      const r = await s.http.post('/product/add').send({ messages: [message], ...fields }).expect(400);
      expect(r.body.message).toMatch(re);
      expect(await total('safe-e')).toBe(0);
    });

    it('in the cloud routes and in lookups too', async () => {
      const add = await s.http.post('/add/message').send({ user_id: 'a\u0000', messages: 'x' }).expect(400);
      expect(add.body.message).toMatch(/user_id: contains the control character U\+0000/);
      const get = await s.http.post('/product/get_memory').send({ mem_cube_id: 'c\u0000' }).expect(400);
      expect(get.body.message).toMatch(/mem_cube_id/);
      const del = await s.http.post('/product/delete_memory').send({ memory_ids: ['m\ud800'] }).expect(400);
      expect(del.body.message).toMatch(/memory_ids\.0: contains a lone UTF-16 surrogate/);
    });

    it('tab, line feed and astral characters stay accepted; an id of 256 emoji fits the 256 limit', async () => {
      const emoji = '\u{1F600}'.repeat(256);
      await s.http.post('/product/add').send({ user_id: emoji, messages: 'line one\n\tline two 😀', info: { k: 'v\tw' } }).expect(200);
      expect(await total(emoji)).toBe(1);
      await s.http.post('/product/add').send({ user_id: `${emoji}x`, messages: 'x' }).expect(400);
    });
  });
});
