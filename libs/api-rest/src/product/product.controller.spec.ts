import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
  type FilterNode,
  type MemoryItem,
} from '@engram/domain';
import type { AddResult, SearchOutcome } from '@engram/memory-core';
import type { ScoredMemory } from '@engram/retrieval';
import { coreCalls, makeMemory, resetCore, startRestApi, stubMemoryApi, type StubMemoryApi } from '@engram/testing';

/**
 * The `/product/*` memory routes as the apps serve them (the REST API module with its envelope error
 * filter, the JSON body parser of `useJsonBody`), over a stubbed memory core that records the commands
 * it receives: what each MemOS request becomes, how each result is answered, and every error status.
 */

const DEFAULT_TENANT = 'default-tenant';

/** A memory as the core returns it. */
function item(over: Partial<MemoryItem> & { id: string; memory: string }): MemoryItem {
  return makeMemory({
    tenant_id: DEFAULT_TENANT,
    cube_id: 'c1',
    user_id: 'u1',
    session_id: 's1',
    key: 'k',
    sources: [{ type: 'chat', message_id: 'm1', role: 'user' }],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
    provenance: { ingest_key: 'ik', mode: 'fast' },
    ...over,
  });
}

function scored(m: MemoryItem, relativity: number): ScoredMemory {
  return {
    item: m,
    relativity,
    features: { cosine: 0.123456, coverage: 0.5, entities: 0, bm25: 0.333333, sameSession: 0 },
    recalled_by: ['bm25', 'vector'],
  };
}

const ADDED: AddResult = {
  memories: [{ memory: 'user: I have a dog', memory_id: 'mem-1', memory_type: 'LongTermMemory', cube_id: 'u1' }],
  task_id: 'task-1',
  task_status: 'completed',
  replayed: false,
};

describe('ProductController (/product/*) over a stubbed memory core', () => {
  let app: INestApplication;
  let memory: StubMemoryApi;
  const http = () => request(app.getHttpServer());


  beforeAll(async () => {
    memory = stubMemoryApi();
    app = await startRestApi(memory, DEFAULT_TENANT);
  });
  afterAll(() => app.close());
  beforeEach(() => resetCore(memory));

  /** A 400 whose message is `message`, the core never reached. */
  const refused = async (path: string, body: unknown, message: string | RegExp, status = 400) => {
    const r = await http().post(path).set('content-type', 'application/json').send(JSON.stringify(body)).expect(status);
    expect(r.body).toEqual({ code: status, message: expect.any(String), data: null });
    if (typeof message === 'string') expect(r.body.message).toBe(message);
    else expect(r.body.message).toMatch(message);
    expect(coreCalls(memory)).toBe(0);
  };

  describe('POST /product/add', () => {
    it('a minimal body becomes a fast async add to the user cube, in the default tenant', async () => {
      memory.add.mockResolvedValue(ADDED);
      const r = await http().post('/product/add').send({ user_id: 'u1', messages: 'I have a dog' }).expect(200);
      expect(memory.add).toHaveBeenCalledTimes(1);
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        user_id: 'u1',
        session_id: 'default_session',
        cube_ids: ['u1'],
        messages: 'I have a dog',
        info: {},
        mode: 'fast',
        async_mode: 'async',
      });
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'Memory added successfully',
        data: ADDED.memories,
        task_id: 'task-1',
        task_status: 'completed',
      });
    });

    it('honours the deprecated aliases (mem_cube_id, memory_content, source) and the tenant header', async () => {
      memory.add.mockResolvedValue(ADDED);
      await http()
        .post('/product/add')
        .set('x-engram-tenant', 'acme')
        .send({
          user_id: 'u1',
          mem_cube_id: 'cube-x',
          memory_content: 'remember the milk',
          source: 'web',
          manager_user_id: 'boss',
          project_id: 'p9',
          info: { topic: 'shopping' },
          session_id: 'sess',
          task_id: 'task-42',
          custom_tags: ['a', 'b'],
        })
        .expect(200);
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        user_id: 'u1',
        session_id: 'sess',
        cube_ids: ['cube-x'],
        messages: 'remember the milk',
        task_id: 'task-42',
        custom_tags: ['a', 'b'],
        info: { topic: 'shopping', source_label: 'web', manager_user_id: 'boss', project_id: 'p9' },
        mode: 'fast',
        async_mode: 'async',
      });
    });

    it('writable_cube_ids win over mem_cube_id and are de-duplicated; an info.source keeps `source` out', async () => {
      memory.add.mockResolvedValue(ADDED);
      const messages = [{ role: 'user', content: 'hi' }];
      await http()
        .post('/product/add')
        .send({ user_id: 'u1', mem_cube_id: 'ignored', writable_cube_ids: ['c1', 'c2', 'c1'], messages, source: 'web', info: { source: 'api' } })
        .expect(200);
      const cmd = memory.add.mock.calls[0]![0];
      expect(cmd.cube_ids).toEqual(['c1', 'c2']);
      expect(cmd.messages).toEqual(messages);
      expect(cmd.info).toStrictEqual({ source: 'api' });
    });

    it('mode fine is honoured only for sync adds', async () => {
      memory.add.mockResolvedValue(ADDED);
      await http().post('/product/add').send({ user_id: 'u1', messages: 'x', async_mode: 'sync', mode: 'fine' }).expect(200);
      await http().post('/product/add').send({ user_id: 'u1', messages: 'x', async_mode: 'async', mode: 'fine' }).expect(200);
      await http().post('/product/add').send({ user_id: 'u1', messages: 'x', async_mode: 'sync', mode: 'fast' }).expect(200);
      expect(memory.add.mock.calls.map(([c]) => [c.mode, c.async_mode])).toEqual([
        ['fine', 'sync'],
        ['fast', 'async'],
        ['fast', 'sync'],
      ]);
    });

    it('the Idempotency-Key header wins over the body idempotency_key, which is used without a header', async () => {
      memory.add.mockResolvedValue(ADDED);
      await http()
        .post('/product/add')
        .set('idempotency-key', 'from-header')
        .send({ user_id: 'u1', messages: 'x', idempotency_key: 'from-body' })
        .expect(200);
      await http().post('/product/add').send({ user_id: 'u1', messages: 'x', idempotency_key: 'from-body' }).expect(200);
      expect(memory.add.mock.calls.map(([c]) => c.idempotency_key)).toEqual(['from-header', 'from-body']);
    });

    it('a replay with refused ids answers with both in the message and lists refused_ids', async () => {
      memory.add.mockResolvedValue({ ...ADDED, replayed: true, task_status: 'waiting', refused_ids: ['gone-1'] });
      const r = await http().post('/product/add').send({ user_id: 'u1', messages: 'x' }).expect(200);
      expect(r.body).toStrictEqual({
        code: 200,
        message:
          'Memory already added (idempotent replay); 1 memory was deleted since an earlier add and stay deleted',
        data: ADDED.memories,
        task_id: 'task-1',
        task_status: 'waiting',
        refused_ids: ['gone-1'],
      });
    });

    it('an add that stored nothing (all refused) says so', async () => {
      memory.add.mockResolvedValue({ ...ADDED, memories: [], refused_ids: ['gone-1', 'gone-2'] });
      const r = await http().post('/product/add').send({ user_id: 'u1', messages: 'x' }).expect(200);
      expect(r.body.message).toBe(
        'Nothing stored: these messages were added before and their memories have since been deleted; send a new Idempotency-Key to store them again',
      );
      expect(r.body.data).toEqual([]);
      expect(r.body.refused_ids).toEqual(['gone-1', 'gone-2']);
    });

    it('refuses bad bodies with a 400 naming the field, without calling the core', async () => {
      await refused('/product/add', { messages: 'x' }, 'invalid request: user_id: Required');
      await refused('/product/add', { user_id: 'u1' }, 'invalid request: messages: messages is required');
      await refused('/product/add', { user_id: '   ', messages: 'x' }, 'invalid request: user_id: must not be blank');
      await refused('/product/add', { user_id: 'u1', messages: 'x', async_mode: 'later' }, /^invalid request: async_mode: /);
      await refused('/product/add', { user_id: 'u1', messages: 'x', custom_tags: [''] }, 'invalid request: custom_tags.0: must be at least 1 characters');
      await refused('/product/add', { user_id: 'u1', messages: 'x', info: { k: 'a\u0000b' } }, 'invalid request: info: k contains the control character U+0000');
      await refused('/product/add', { user_id: 'u1', messages: 'x', writable_cube_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) }, /^invalid request: writable_cube_ids: /);
    });

    it('refuses a bad tenant header or a blank Idempotency-Key with a 400', async () => {
      const bad = await http().post('/product/add').set('x-engram-tenant', 'has space').send({ user_id: 'u1', messages: 'x' }).expect(400);
      expect(bad.body).toEqual({ code: 400, message: 'x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]', data: null });
      const blank = await http().post('/product/add').set('idempotency-key', '   ').send({ user_id: 'u1', messages: 'x' }).expect(400);
      expect(blank.body).toEqual({ code: 400, message: 'idempotency key must be 1-256 characters', data: null });
      const long = await http().post('/product/add').set('idempotency-key', 'k'.repeat(257)).send({ user_id: 'u1', messages: 'x' }).expect(400);
      expect(long.body.message).toBe('idempotency key must be 1-256 characters');
      expect(coreCalls(memory)).toBe(0);
    });

    it('a body that is not a JSON object is a 400; malformed JSON is a 400; an oversized body a 413', async () => {
      for (const body of ['null', '1', '"text"']) {
        const r = await http().post('/product/add').set('content-type', 'application/json').send(body).expect(400);
        expect(r.body).toEqual({ code: 400, message: 'request body must be a JSON object', data: null });
      }
      const none = await http().post('/product/add').expect(400);
      expect(none.body.message).toBe('request body must be a JSON object');
      const malformed = await http().post('/product/add').set('content-type', 'application/json').send('{"user_id":').expect(400);
      expect(malformed.body.message).toMatch(/^malformed JSON body: /);
      const big = await http().post('/product/add').send({ user_id: 'u1', messages: 'x'.repeat(20_000) }).expect(413);
      expect(big.body).toEqual({ code: 413, message: 'request entity too large', data: null });
      expect(coreCalls(memory)).toBe(0);
    });

    it("maps the core's errors: 413, 422, 404, and 500 'internal error' without the stack", async () => {
      const send = () => http().post('/product/add').send({ user_id: 'u1', messages: 'x' });
      memory.add.mockRejectedValueOnce(new PayloadTooLargeError('message 0 is longer than 100000 characters'));
      expect((await send().expect(413)).body).toEqual({ code: 413, message: 'message 0 is longer than 100000 characters', data: null });
      memory.add.mockRejectedValueOnce(new UnavailableError('fine mode needs an LLM'));
      expect((await send().expect(422)).body).toEqual({ code: 422, message: 'fine mode needs an LLM', data: null });
      memory.add.mockRejectedValueOnce(new NotFoundError('cube gone'));
      expect((await send().expect(404)).body).toEqual({ code: 404, message: 'cube gone', data: null });
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      memory.add.mockRejectedValueOnce(new Error('disk on fire at /var/secret/engram.db'));
      const boom = await send().expect(500);
      expect(boom.body).toEqual({ code: 500, message: 'internal error', data: null });
      expect(boom.text).not.toMatch(/secret|disk on fire|at /);
      expect(log).toHaveBeenCalled();
      log.mockRestore();
    });

    it('answers another method at the path with a 405 naming POST', async () => {
      const r = await http().get('/product/add').expect(405);
      expect(r.headers['allow']).toBe('POST');
      expect(r.body).toEqual({ code: 405, message: 'GET is not served at /product/add; allowed: POST', data: null });
    });
  });

  describe('POST /product/search', () => {
    const outcome = (): SearchOutcome => ({
      took_ms: 12.3456,
      buckets: [
        { kind: 'text', cube_id: 'u1', memories: [scored(item({ id: 'aaaa-1', memory: 'dog named Biscuit', cube_id: 'u1' }), 0.876543)] },
        { kind: 'pref', cube_id: 'u1', memories: [scored(item({ id: 'bbbb-2', memory: 'likes tea', memory_type: 'PreferenceMemory', is_fast: false }), 0.5)] },
        { kind: 'tool', cube_id: 'u1', memories: [] },
        { kind: 'skill', cube_id: 'u1', memories: [] },
      ],
    });

    it('fills the MemOS defaults: top_k 10, relativity 0.45, dedup mmr, quotas 6/6/3, every kind on', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await http().post('/product/search').send({ query: 'dog', user_id: 'u1' }).expect(200);
      expect(memory.search.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        user_id: 'u1',
        query: 'dog',
        cube_ids: ['u1'],
        top_k: 10,
        relativity: 0.45,
        dedup: 'mmr',
        filter: null,
        include_preference: true,
        pref_top_k: 6,
        search_tool_memory: true,
        tool_mem_top_k: 6,
        include_skill_memory: true,
        skill_mem_top_k: 3,
      });
    });

    it('passes what the caller set: cubes, session, type, quotas, dedup null as no, a parsed filter', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await http()
        .post('/product/search')
        .set('x-engram-tenant', 'acme')
        .send({
          query: 'dog',
          user_id: 'u1',
          mem_cube_id: 'ignored',
          readable_cube_ids: ['c1', 'c2', 'c1'],
          session_id: 's9',
          top_k: 3,
          relativity: 0,
          dedup: null,
          search_memory_type: 'AllSummaryMemory',
          include_preference: false,
          pref_top_k: 0,
          search_tool_memory: false,
          tool_mem_top_k: 1,
          include_skill_memory: false,
          skill_mem_top_k: 2,
          filter: { user_id: 'u1', topic: 'pets' },
        })
        .expect(200);
      const filter: FilterNode = {
        kind: 'and',
        children: [
          { kind: 'cmp', field: 'user_id', op: '=', value: 'u1' },
          { kind: 'cmp', field: 'info.topic', op: '=', value: 'pets' },
        ],
      };
      expect(memory.search.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        user_id: 'u1',
        query: 'dog',
        cube_ids: ['c1', 'c2'],
        top_k: 3,
        relativity: 0,
        dedup: 'no',
        filter,
        session_id: 's9',
        memory_types: ['LongTermMemory'],
        include_preference: false,
        pref_top_k: 0,
        search_tool_memory: false,
        tool_mem_top_k: 1,
        include_skill_memory: false,
        skill_mem_top_k: 2,
      });
    });

    it('mem_cube_id is the cube when no readable_cube_ids; a per-cube filter becomes one filter per cube', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await http().post('/product/search').send({ query: 'q', user_id: 'u1', mem_cube_id: 'cx' }).expect(200);
      expect(memory.search.mock.calls[0]![0].cube_ids).toEqual(['cx']);
      await http()
        .post('/product/search')
        .send({ query: 'q', user_id: 'u1', readable_cube_ids: ['a', 'b'], filter: { a: { user_id: 'u1' }, b: { session_id: 's' } } })
        .expect(200);
      expect(memory.search.mock.calls[1]![0].filter).toEqual(
        new Map([
          ['a', { kind: 'cmp', field: 'user_id', op: '=', value: 'u1' }],
          ['b', { kind: 'cmp', field: 'session_id', op: '=', value: 's' }],
        ]),
      );
    });

    it('answers MemOS buckets per kind with wire memories, the preference note, and took_ms rounded', async () => {
      memory.search.mockResolvedValue(outcome());
      const r = await http().post('/product/search').send({ query: 'dog', user_id: 'u1' }).expect(200);
      expect(r.body.code).toBe(200);
      expect(r.body.message).toBe('Search completed successfully');
      expect(r.body.took_ms).toBe(12.35);
      const note = 'Use the user preferences above where they apply; do not mention them unless relevant.';
      expect(Object.keys(r.body.data).sort()).toEqual(
        ['act_mem', 'para_mem', 'pref_mem', 'pref_note', 'pref_string', 'skill_mem', 'text_mem', 'tool_mem'].sort(),
      );
      expect(r.body.data).toMatchObject({
        act_mem: [],
        para_mem: [],
        pref_note: note,
        pref_string: `1. likes tea\n${note}`,
        tool_mem: [{ cube_id: 'u1', memories: [], total_nodes: 0 }],
        skill_mem: [{ cube_id: 'u1', memories: [], total_nodes: 0 }],
      });
      const [text] = r.body.data.text_mem;
      expect(text.cube_id).toBe('u1');
      expect(text.total_nodes).toBe(1);
      const [m] = text.memories;
      expect(m).toMatchObject({ id: 'aaaa-1', memory: 'dog named Biscuit', ref_id: '[aaaa]' });
      expect(m.metadata).toMatchObject({
        id: 'aaaa-1',
        memory: 'dog named Biscuit',
        ref_id: '[aaaa]',
        type: 'chat',
        memory_type: 'LongTermMemory',
        cube_id: 'u1',
        embedding: [],
        usage: [],
        relativity: 0.8765,
        score_features: { cosine: 0.1235, coverage: 0.5, entities: 0, bm25: 0.3333 },
        recalled_by: ['bm25', 'vector'],
      });
      expect(r.body.data.pref_mem[0].memories[0].metadata.type).toBe('fact');
    });

    it('without preferences the pref bucket, note and string are left out; another mode says it was served as fast', async () => {
      memory.search.mockResolvedValue(outcome());
      const r = await http().post('/product/search').send({ query: 'dog', user_id: 'u1', include_preference: false, mode: 'fine' }).expect(200);
      expect(r.body.message).toBe('Search completed successfully (mode fine served as fast: no LLM configured)');
      expect(r.body.data.pref_mem).toEqual([]);
      expect(r.body.data.pref_note).toBe('');
      expect(r.body.data).not.toHaveProperty('pref_string');
    });

    it('refuses bad bodies with a 400 naming the field, without calling the core', async () => {
      await refused('/product/search', { query: '', user_id: 'u1' }, 'invalid request: query: query must not be empty');
      await refused('/product/search', { query: 'q' }, 'invalid request: user_id: Required');
      await refused('/product/search', { query: 'q', user_id: 'u1', top_k: 0 }, /^invalid request: top_k: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', top_k: 2.5 }, /^invalid request: top_k: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', relativity: 1.5 }, /^invalid request: relativity: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', dedup: 'maybe' }, /^invalid request: dedup: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', pref_top_k: 101 }, /^invalid request: pref_top_k: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', mode: 'deep' }, /^invalid request: mode: /);
      await refused('/product/search', { query: 'q', user_id: 'u1', internet_search: true }, 'internet_search is not supported by this server');
      await refused('/product/search', { query: 'q', user_id: 'u1', search_memory_type: 'Bogus' }, /^search_memory_type must be All or one of WorkingMemory, /);
      await refused(
        '/product/search',
        { query: 'q', user_id: 'u1', readable_cube_ids: ['a', 'b'], filter: { a: { user_id: 'u1' }, topic: 'x' } },
        'filter mixes per-cube filters with a global filter; use one form',
      );
      await refused('/product/search', { query: 'q', user_id: 'u1', filter: { $or: [] } }, /^filter\.\$or: unknown filter operator/);
      await refused('/product/search', null, 'request body must be a JSON object');
    });

    it("maps the core's errors to statuses", async () => {
      const send = () => http().post('/product/search').send({ query: 'q', user_id: 'u1' });
      memory.search.mockRejectedValueOnce(new UnavailableError('query_embedding from another embedder'));
      expect((await send().expect(422)).body).toEqual({ code: 422, message: 'query_embedding from another embedder', data: null });
      memory.search.mockRejectedValueOnce(new PayloadTooLargeError('query too long'));
      expect((await send().expect(413)).body.message).toBe('query too long');
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      memory.search.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'x')"));
      expect((await send().expect(500)).body).toEqual({ code: 500, message: 'internal error', data: null });
      log.mockRestore();
    });
  });

  describe('POST /product/get_memory', () => {
    const typeFilter = (types: string[]): FilterNode => ({ kind: 'cmp', field: 'memory_type', op: 'in', value: types });
    const TEXT = ['WorkingMemory', 'LongTermMemory', 'UserMemory', 'OuterMemory', 'RawFileMemory'];

    it('lists every memory kind of the cube, one core call per kind, with its type filter', async () => {
      memory.getMemories.mockResolvedValue({ items: [], total: 0 });
      const r = await http().post('/product/get_memory').send({ mem_cube_id: 'c1' }).expect(200);
      expect(memory.getMemories.mock.calls.map(([c]) => c)).toStrictEqual([
        { tenant_id: DEFAULT_TENANT, cube_ids: ['c1'], filter: typeFilter(TEXT) },
        { tenant_id: DEFAULT_TENANT, cube_ids: ['c1'], filter: typeFilter(['PreferenceMemory']) },
        { tenant_id: DEFAULT_TENANT, cube_ids: ['c1'], filter: typeFilter(['ToolSchemaMemory', 'ToolTrajectoryMemory']) },
        { tenant_id: DEFAULT_TENANT, cube_ids: ['c1'], filter: typeFilter(['SkillMemory']) },
      ]);
      const empty = [{ cube_id: 'c1', memories: [], total_nodes: 0 }];
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'Memories retrieved successfully',
        data: { text_mem: empty, pref_mem: empty, tool_mem: empty, skill_mem: empty },
      });
    });

    it("ANDs the caller's filter with the type filter, passes pages, and leaves out the kinds turned off", async () => {
      const m = item({ id: 'cccc-3', memory: 'I live in Lisbon', info: { topic: 'home' } });
      memory.getMemories.mockResolvedValue({ items: [m], total: 7 });
      const r = await http()
        .post('/product/get_memory')
        .set('x-engram-tenant', 'acme')
        .send({ mem_cube_id: 'c1', include_preference: false, include_tool_memory: false, include_skill_memory: false, filter: { topic: 'home' }, page: 2, page_size: 1 })
        .expect(200);
      expect(memory.getMemories.mock.calls.map(([c]) => c)).toStrictEqual([
        {
          tenant_id: 'acme',
          cube_ids: ['c1'],
          filter: { kind: 'and', children: [typeFilter(TEXT), { kind: 'cmp', field: 'info.topic', op: '=', value: 'home' }] },
          page: 2,
          page_size: 1,
        },
      ]);
      expect(r.body.data.pref_mem).toEqual([]);
      expect(r.body.data.tool_mem).toEqual([]);
      expect(r.body.data.skill_mem).toEqual([]);
      const [bucket] = r.body.data.text_mem;
      expect(bucket.cube_id).toBe('c1');
      expect(bucket.total_nodes).toBe(7);
      expect(bucket.memories).toHaveLength(1);
      expect(bucket.memories[0]).toMatchObject({ id: 'cccc-3', memory: 'I live in Lisbon', ref_id: '[cccc]' });
      // info keys are lifted into metadata as MemOS does, and kept under info
      expect(bucket.memories[0].metadata).toMatchObject({ topic: 'home', info: { topic: 'home' }, type: 'chat', session_id: 's1' });
    });

    it('refuses bad bodies with a 400 naming the field', async () => {
      await refused('/product/get_memory', {}, 'invalid request: mem_cube_id: Required');
      await refused('/product/get_memory', { mem_cube_id: 'c1', page: 0 }, /^invalid request: page: /);
      await refused('/product/get_memory', { mem_cube_id: 'c1', page_size: 10_001 }, /^invalid request: page_size: /);
      await refused('/product/get_memory', { mem_cube_id: 'c1', filter: { created_at: { gt: 'not a date' } } }, /^filter\.created_at\.gt/);
      await refused('/product/get_memory', null, 'request body must be a JSON object');
    });
  });

  describe('GET /product/get_memory/:memory_id', () => {
    it("answers the memory in MemOS's wire shape, asking the core in the request's tenant", async () => {
      memory.getByIds.mockResolvedValue([item({ id: 'dddd-4', memory: 'a fact', is_fast: false })]);
      const r = await http().get('/product/get_memory/dddd-4').set('x-engram-tenant', 'acme').expect(200);
      expect(memory.getByIds.mock.calls).toEqual([['acme', ['dddd-4']]]);
      expect(r.body.code).toBe(200);
      expect(r.body.message).toBe('Memory retrieved successfully');
      expect(r.body.data).toMatchObject({ id: 'dddd-4', memory: 'a fact', ref_id: '[dddd]', metadata: { type: 'fact', id: 'dddd-4', embedding: [] } });
    });

    it('is a 404 naming the id when the core has no such memory', async () => {
      memory.getByIds.mockResolvedValue([]);
      const r = await http().get('/product/get_memory/missing-id').expect(404);
      expect(r.body).toEqual({ code: 404, message: 'Memory with ID missing-id not found', data: null });
      expect(memory.getByIds.mock.calls).toEqual([[DEFAULT_TENANT, ['missing-id']]]);
    });
  });

  describe('POST /product/get_memory_by_ids', () => {
    it('takes a JSON list of ids or {memory_ids}, in the order asked', async () => {
      memory.getByIds.mockResolvedValue([item({ id: 'b-1', memory: 'B' }), item({ id: 'a-1', memory: 'A' })]);
      const r = await http().post('/product/get_memory_by_ids').send(['b-1', 'a-1']).expect(200);
      await http().post('/product/get_memory_by_ids').set('x-engram-tenant', 'acme').send({ memory_ids: [' b-1 '] }).expect(200);
      expect(memory.getByIds.mock.calls).toEqual([
        [DEFAULT_TENANT, ['b-1', 'a-1']],
        ['acme', ['b-1']],
      ]);
      expect(r.body.message).toBe('Memories retrieved successfully');
      expect(r.body.data.map((m: { id: string; memory: string }) => [m.id, m.memory])).toEqual([
        ['b-1', 'B'],
        ['a-1', 'A'],
      ]);
    });

    it('refuses anything else with a 400', async () => {
      await refused('/product/get_memory_by_ids', { ids: ['a'] }, /^invalid request: /);
      await refused('/product/get_memory_by_ids', ['ok', ''], /^invalid request: /);
      await refused('/product/get_memory_by_ids', null, 'request body must be a JSON object');
    });
  });

  describe('POST /product/delete_memory', () => {
    it('deletes by ids, restricted to the writable cubes when given, and answers the ids removed', async () => {
      memory.delete.mockResolvedValue(['m1', 'm2']);
      const r = await http().post('/product/delete_memory').send({ memory_ids: ['m1', 'm2', 'm3'] }).expect(200);
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'Memories deleted successfully',
        data: { status: 'success', deleted: 2, memory_ids: ['m1', 'm2'] },
      });
      await http().post('/product/delete_memory').set('x-engram-tenant', 'acme').send({ memory_ids: ['m1'], writable_cube_ids: ['c1'] }).expect(200);
      expect(memory.delete.mock.calls.map(([c]) => c)).toStrictEqual([
        { tenant_id: DEFAULT_TENANT, kind: 'ids', ids: ['m1', 'm2', 'm3'] },
        { tenant_id: 'acme', kind: 'ids', ids: ['m1'], cube_ids: ['c1'] },
      ]);
    });

    it('deletes by filter / user / session / conversation, AND-merged, within the writable cubes (default the user)', async () => {
      memory.delete.mockResolvedValue([]);
      await http().post('/product/delete_memory').send({ user_id: 'u1', conversation_id: 'conv-1', filter: { topic: 'x' } }).expect(200);
      await http().post('/product/delete_memory').send({ file_ids: ['f1'], session_id: 's1', writable_cube_ids: ['c1', 'c2'] }).expect(200);
      expect(memory.delete.mock.calls.map(([c]) => c)).toStrictEqual([
        {
          tenant_id: DEFAULT_TENANT,
          kind: 'filter',
          filter: {
            kind: 'and',
            children: [
              { kind: 'cmp', field: 'info.topic', op: '=', value: 'x' },
              { kind: 'cmp', field: 'user_id', op: '=', value: 'u1' },
              { kind: 'cmp', field: 'session_id', op: '=', value: 'conv-1' },
            ],
          },
          cube_ids: ['u1'],
        },
        {
          tenant_id: DEFAULT_TENANT,
          kind: 'filter',
          filter: {
            kind: 'and',
            children: [
              { kind: 'cmp', field: 'info.file_id', op: 'in', value: ['f1'] },
              { kind: 'cmp', field: 'session_id', op: '=', value: 's1' },
            ],
          },
          cube_ids: ['c1', 'c2'],
        },
      ]);
    });

    it('refuses an ambiguous, empty or unscoped delete with a 400, without calling the core', async () => {
      await refused('/product/delete_memory', {}, 'give one of memory_ids, file_ids, or filter / user_id / session_id');
      await refused('/product/delete_memory', { memory_ids: ['m1'], filter: { user_id: 'u1' } }, 'give exactly one of memory_ids, file_ids, or filter');
      await refused('/product/delete_memory', { memory_ids: ['m1'], file_ids: ['f1'] }, 'give exactly one of memory_ids, file_ids, or filter');
      await refused('/product/delete_memory', { filter: {}, user_id: 'u1' }, 'filter is empty: give at least one condition');
      await refused('/product/delete_memory', { file_ids: [], user_id: 'u1' }, 'file_ids is empty: give at least one file id');
      await refused('/product/delete_memory', { session_id: 's1' }, 'a filter delete needs writable_cube_ids or user_id');
      await refused('/product/delete_memory', { memory_ids: 'm1' }, /^invalid request: memory_ids: /);
      await refused('/product/delete_memory', null, 'request body must be a JSON object');
    });

    it("maps the core's errors to statuses", async () => {
      memory.delete.mockRejectedValueOnce(new NotFoundError('cube c9 not found'));
      const r = await http().post('/product/delete_memory').send({ memory_ids: ['m1'] }).expect(404);
      expect(r.body).toEqual({ code: 404, message: 'cube c9 not found', data: null });
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      memory.delete.mockRejectedValueOnce(new Error('neo4j: connection reset'));
      const boom = await http().post('/product/delete_memory').send({ memory_ids: ['m1'] }).expect(500);
      expect(boom.body).toEqual({ code: 500, message: 'internal error', data: null });
      log.mockRestore();
    });
  });
});
