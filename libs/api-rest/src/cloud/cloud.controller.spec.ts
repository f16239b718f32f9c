import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { NotFoundError, PayloadTooLargeError, UnavailableError, type MemoryItem } from '@engram/domain';
import type { AddResult } from '@engram/memory-core';
import type { ScoredMemory } from '@engram/retrieval';
import { coreCalls, makeMemory, resetCore, startRestApi, stubMemoryApi, type StubMemoryApi } from '@engram/testing';

/**
 * The hosted-MemOS-style routes (`/add/message`, `/search/memory`, `/get/memory`, `/delete/memory`) as
 * the apps serve them (REST API module, envelope error filter, `useJsonBody`), over a stubbed memory core
 * that records the commands it receives.
 */

const DEFAULT_TENANT = 'default-tenant';

function item(over: Partial<MemoryItem> & { id: string; memory: string }): MemoryItem {
  return makeMemory({
    tenant_id: DEFAULT_TENANT,
    cube_id: 'u1',
    user_id: 'u1',
    session_id: 'conv-1',
    key: 'pets',
    sources: [{ type: 'chat', message_id: 'm1', role: 'user' }],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
    provenance: { ingest_key: 'ik', mode: 'fast' },
    ...over,
  });
}

const scored = (m: MemoryItem, relativity: number): ScoredMemory => ({
  item: m,
  relativity,
  features: { cosine: 0.5, coverage: 0.5, entities: 0, bm25: 0.1, sameSession: 0 },
  recalled_by: ['vector'],
});

const ADDED: AddResult = {
  memories: [
    { memory: 'user: I have a dog', memory_id: 'mem-1', memory_type: 'LongTermMemory', cube_id: 'u1' },
    { memory: 'user: named Biscuit', memory_id: 'mem-2', memory_type: 'LongTermMemory', cube_id: 'u1' },
  ],
  task_id: 'task-1',
  task_status: 'waiting',
  replayed: false,
};

/** The hosted API's memory shape of `m` at `relativity` (absent for listings). */
const detail = (m: MemoryItem, relativity?: number) => ({
  id: m.id,
  memory_key: m.key,
  memory_value: m.memory,
  memory_type: m.memory_type,
  create_time: m.created_at,
  update_time: m.updated_at,
  conversation_id: m.session_id,
  status: m.status,
  confidence: m.confidence,
  tags: m.tags,
  sources: m.sources,
  ...(relativity !== undefined ? { relativity } : {}),
});

describe('CloudController (hosted-MemOS routes) over a stubbed memory core', () => {
  let app: INestApplication;
  let memory: StubMemoryApi;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    memory = stubMemoryApi();
    app = await startRestApi(memory, DEFAULT_TENANT);
  });
  afterAll(() => app.close());
  beforeEach(() => resetCore(memory));

  const refused = async (path: string, body: unknown, message: string | RegExp, status = 400) => {
    const r = await http().post(path).set('content-type', 'application/json').send(JSON.stringify(body)).expect(status);
    expect(r.body).toEqual({ code: status, message: expect.any(String), data: null });
    if (typeof message === 'string') expect(r.body.message).toBe(message);
    else expect(r.body.message).toMatch(message);
    expect(coreCalls(memory)).toBe(0);
  };

  describe('POST /add/message', () => {
    it("a minimal body is a fast async add to the user's own cube, answered with the memory ids", async () => {
      memory.add.mockResolvedValue(ADDED);
      const r = await http().post('/add/message').send({ user_id: 'u1', messages: [{ role: 'user', content: 'I have a dog' }] }).expect(200);
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        user_id: 'u1',
        session_id: 'default_session',
        cube_ids: ['u1'],
        messages: [{ role: 'user', content: 'I have a dog' }],
        info: {},
        mode: 'fast',
        async_mode: 'async',
      });
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'ok',
        data: { success: true, task_id: 'task-1', status: 'waiting', memory_ids: ['mem-1', 'mem-2'] },
      });
    });

    it('maps agent_id, conversation_id, tags, app_id, source, async_mode false, the tenant and the idempotency key', async () => {
      memory.add.mockResolvedValue(ADDED);
      await http()
        .post('/add/message')
        .set('x-engram-tenant', 'acme')
        .set('idempotency-key', 'hdr-key')
        .send({
          agent_id: 'agent-7',
          messages: 'hello',
          conversation_id: 'conv-9',
          tags: ['t1'],
          app_id: 'app-1',
          source: 'slack',
          info: { lang: 'en' },
          async_mode: false,
          idempotency_key: 'body-key',
        })
        .expect(200);
      await http().post('/add/message').send({ user_id: 'u1', agent_id: 'agent-7', messages: 'x', idempotency_key: 'body-key' }).expect(200);
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        user_id: 'agent-7',
        session_id: 'conv-9',
        cube_ids: ['agent-7'],
        messages: 'hello',
        idempotency_key: 'hdr-key',
        custom_tags: ['t1'],
        info: { lang: 'en', app_id: 'app-1', source_label: 'slack' },
        mode: 'fast',
        async_mode: 'sync',
      });
      // user_id wins over agent_id; the body key is used without a header
      const second = memory.add.mock.calls[1]![0];
      expect([second.user_id, second.cube_ids, second.idempotency_key]).toEqual(['u1', ['u1'], 'body-key']);
    });

    it('refused ids are listed and the message says why', async () => {
      memory.add.mockResolvedValue({ ...ADDED, memories: [ADDED.memories[0]!], refused_ids: ['gone-1', 'gone-2'] });
      const r = await http().post('/add/message').send({ user_id: 'u1', messages: 'x' }).expect(200);
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'Memory added successfully; 2 memories were deleted since an earlier add and stay deleted',
        data: { success: true, task_id: 'task-1', status: 'waiting', memory_ids: ['mem-1'], refused_ids: ['gone-1', 'gone-2'] },
      });
    });

    it('refuses bad bodies with a 400 naming the field, without calling the core', async () => {
      await refused('/add/message', { messages: 'x' }, 'invalid request: user_id: user_id or agent_id is required');
      await refused('/add/message', { user_id: '', messages: 'x' }, /^invalid request: user_id: must not be blank/);
      await refused('/add/message', { user_id: 'u1', messages: 'x', async_mode: 'sync' }, /^invalid request: async_mode: /);
      await refused('/add/message', { user_id: 'u1', messages: 'x', tags: 'one' }, /^invalid request: tags: /);
      await refused('/add/message', { user_id: 'u1', messages: 'x', idempotency_key: ' ' }, 'invalid request: idempotency_key: must not be blank');
      await refused('/add/message', null, 'request body must be a JSON object');
      const hdr = await http().post('/add/message').set('x-engram-tenant', 'a/b').send({ user_id: 'u1', messages: 'x' }).expect(400);
      expect(hdr.body.message).toBe('x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]');
      expect(coreCalls(memory)).toBe(0);
    });

    it("maps the core's errors: 413, 422, 404, 500 'internal error'", async () => {
      const send = () => http().post('/add/message').send({ user_id: 'u1', messages: 'x' });
      memory.add.mockRejectedValueOnce(new PayloadTooLargeError('too many messages'));
      expect((await send().expect(413)).body).toEqual({ code: 413, message: 'too many messages', data: null });
      memory.add.mockRejectedValueOnce(new UnavailableError('ingestion is not reachable'));
      expect((await send().expect(422)).body).toEqual({ code: 422, message: 'ingestion is not reachable', data: null });
      memory.add.mockRejectedValueOnce(new NotFoundError('no such cube'));
      expect((await send().expect(404)).body).toEqual({ code: 404, message: 'no such cube', data: null });
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      memory.add.mockRejectedValueOnce(new Error('ECONNRESET 10.0.0.7:9092'));
      const boom = await send().expect(500);
      expect(boom.body).toEqual({ code: 500, message: 'internal error', data: null });
      expect(boom.text).not.toContain('10.0.0.7');
      log.mockRestore();
    });
  });

  describe('POST /search/memory', () => {
    it('fills the hosted defaults: 6 memories, relativity 0, mmr, preferences on, tools and skills off', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      const r = await http().post('/search/memory').send({ user_id: 'u1', query: 'dog' }).expect(200);
      expect(memory.search.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        user_id: 'u1',
        query: 'dog',
        cube_ids: ['u1'],
        top_k: 6,
        relativity: 0,
        dedup: 'mmr',
        filter: null,
        include_preference: true,
        pref_top_k: 6,
        search_tool_memory: false,
        tool_mem_top_k: 6,
        include_skill_memory: false,
        skill_mem_top_k: 3,
      });
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'ok',
        data: {
          memory_detail_list: [],
          preference_detail_list: [],
          tool_memory_detail_list: [],
          skill_detail_list: [],
          profile_detail_list: [],
          event_detail_list: [],
          preference_note: '',
        },
      });
    });

    it('searches the owner and the knowledge bases, with the limits, conversation and filter given', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await http()
        .post('/search/memory')
        .set('x-engram-tenant', 'acme')
        .send({
          agent_id: 'agent-7',
          query: 'dog',
          knowledgebase_ids: ['kb1', 'agent-7', 'kb1'],
          conversation_id: 'conv-1',
          memory_limit_number: 20,
          relativity: 0.3,
          include_preference: false,
          preference_limit_number: 0,
          include_tool_memory: true,
          tool_memory_limit_number: 2,
          include_skill: true,
          skill_limit_number: 1,
          filter: { session_id: 'conv-1' },
        })
        .expect(200);
      expect(memory.search.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        user_id: 'agent-7',
        query: 'dog',
        cube_ids: ['agent-7', 'kb1'],
        top_k: 20,
        relativity: 0.3,
        dedup: 'mmr',
        filter: { kind: 'cmp', field: 'session_id', op: '=', value: 'conv-1' },
        session_id: 'conv-1',
        include_preference: false,
        pref_top_k: 0,
        search_tool_memory: true,
        tool_mem_top_k: 2,
        include_skill_memory: true,
        skill_mem_top_k: 1,
      });
    });

    it('answers one list per kind, merged over cubes and ordered by relativity (rounded to 4 places)', async () => {
      const a = item({ id: 'a', memory: 'dog named Biscuit' });
      const b = item({ id: 'b', memory: 'walks daily', cube_id: 'kb1' });
      const p = item({ id: 'p', memory: 'likes tea', memory_type: 'PreferenceMemory' });
      const t = item({ id: 't', memory: 'calls the weather tool', memory_type: 'ToolTrajectoryMemory' });
      memory.search.mockResolvedValue({
        took_ms: 3,
        buckets: [
          { kind: 'text', cube_id: 'u1', memories: [scored(a, 0.61234567)] },
          { kind: 'text', cube_id: 'kb1', memories: [scored(b, 0.9)] },
          { kind: 'pref', cube_id: 'u1', memories: [scored(p, 0.7)] },
          { kind: 'tool', cube_id: 'u1', memories: [scored(t, 0.4)] },
          { kind: 'skill', cube_id: 'u1', memories: [] },
        ],
      });
      const r = await http().post('/search/memory').send({ user_id: 'u1', query: 'dog', knowledgebase_ids: ['kb1'] }).expect(200);
      expect(r.body.data).toStrictEqual({
        memory_detail_list: [detail(b, 0.9), detail(a, 0.6123)],
        preference_detail_list: [detail(p, 0.7)],
        tool_memory_detail_list: [detail(t, 0.4)],
        skill_detail_list: [],
        profile_detail_list: [],
        event_detail_list: [],
        preference_note: '',
      });
    });

    it('refuses bad bodies with a 400 naming the field, without calling the core', async () => {
      await refused('/search/memory', { query: 'q' }, 'invalid request: user_id: user_id or agent_id is required');
      await refused('/search/memory', { user_id: 'u1', query: '' }, 'invalid request: query: query must not be empty');
      await refused('/search/memory', { user_id: 'u1', query: 'q', memory_limit_number: 101 }, /^invalid request: memory_limit_number: /);
      await refused('/search/memory', { user_id: 'u1', query: 'q', relativity: -0.1 }, /^invalid request: relativity: /);
      await refused(
        '/search/memory',
        { user_id: 'u1', query: 'q', knowledgebase_ids: ['kb1'], filter: { u1: { topic: 'a' } } },
        "filter has per-cube filters but none for 'kb1'; give one for every readable cube, or one filter for all",
      );
      await refused('/search/memory', null, 'request body must be a JSON object');
    });

    it("maps the core's errors to statuses", async () => {
      memory.search.mockRejectedValueOnce(new UnavailableError('retrieval is not reachable'));
      const r = await http().post('/search/memory').send({ user_id: 'u1', query: 'q' }).expect(422);
      expect(r.body).toEqual({ code: 422, message: 'retrieval is not reachable', data: null });
    });
  });

  describe('POST /get/memory', () => {
    it('lists the owner cube, page 1 of 10 by default, with the hosted memory shape', async () => {
      const m = item({ id: 'm1', memory: 'dog named Biscuit' });
      memory.getMemories.mockResolvedValue({ items: [m], total: 31 });
      const r = await http().post('/get/memory').send({ user_id: 'u1' }).expect(200);
      expect(memory.getMemories.mock.calls[0]![0]).toStrictEqual({ tenant_id: DEFAULT_TENANT, cube_ids: ['u1'], filter: null, page: 1, page_size: 10 });
      expect(r.body).toStrictEqual({
        code: 200,
        message: 'ok',
        data: { memory_detail_list: [detail(m)], total: 31, page: 1, size: 10 },
      });
    });

    it('passes page, size, a parsed filter and the tenant', async () => {
      memory.getMemories.mockResolvedValue({ items: [], total: 0 });
      const r = await http().post('/get/memory').set('x-engram-tenant', 'acme').send({ agent_id: 'agent-7', page: 3, size: 50, filter: { tags: { contains: 'pets' } } }).expect(200);
      expect(memory.getMemories.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        cube_ids: ['agent-7'],
        filter: { kind: 'cmp', field: 'tags', op: 'contains', value: 'pets' },
        page: 3,
        page_size: 50,
      });
      expect(r.body.data).toStrictEqual({ memory_detail_list: [], total: 0, page: 3, size: 50 });
    });

    it('refuses bad bodies with a 400 naming the field', async () => {
      await refused('/get/memory', {}, 'invalid request: user_id: user_id or agent_id is required');
      await refused('/get/memory', { user_id: 'u1', size: 51 }, /^invalid request: size: /);
      await refused('/get/memory', { user_id: 'u1', page: 0 }, /^invalid request: page: /);
      await refused('/get/memory', { user_id: 'u1', filter: { and: {} } }, 'filter.and must be a list of conditions');
      await refused('/get/memory', null, 'request body must be a JSON object');
    });
  });

  describe('POST /delete/memory', () => {
    it('deletes by ids in the tenant and answers how many went', async () => {
      memory.delete.mockResolvedValue(['m1']);
      const r = await http().post('/delete/memory').set('x-engram-tenant', 'acme').send({ memory_ids: ['m1', 'm2'] }).expect(200);
      expect(memory.delete.mock.calls[0]![0]).toStrictEqual({ tenant_id: 'acme', kind: 'ids', ids: ['m1', 'm2'] });
      expect(r.body).toStrictEqual({ code: 200, message: 'ok', data: { success: true, deleted: 1 } });
    });

    it('ids with a user or agent delete only within that cube; ids with a filter are refused', async () => {
      memory.delete.mockResolvedValue(['m1']);
      await http().post('/delete/memory').send({ memory_ids: ['m1', 'm2'], user_id: 'u1' }).expect(200);
      expect(memory.delete.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        kind: 'ids',
        ids: ['m1', 'm2'],
        cube_ids: ['u1'],
      });
    });

    it('refuses ids with a filter (the filter would be dropped) without calling the core', async () => {
      await refused('/delete/memory', { memory_ids: ['m1'], filter: { session_id: 's1' } }, 'give memory_ids or a filter, not both');
    });

    it("a user or agent alone deletes the whole cube; with a filter, the filter's matches in that cube", async () => {
      memory.delete.mockResolvedValue(['x', 'y']);
      const r = await http().post('/delete/memory').send({ user_id: 'u1' }).expect(200);
      expect(r.body.data).toStrictEqual({ success: true, deleted: 2 });
      await http().post('/delete/memory').send({ agent_id: 'agent-7', filter: { session_id: 'conv-1' } }).expect(200);
      expect(memory.delete.mock.calls.map(([c]) => c)).toStrictEqual([
        { tenant_id: DEFAULT_TENANT, kind: 'filter', filter: { kind: 'cmp', field: 'cube_id', op: '=', value: 'u1' }, cube_ids: ['u1'] },
        { tenant_id: DEFAULT_TENANT, kind: 'filter', filter: { kind: 'cmp', field: 'session_id', op: '=', value: 'conv-1' }, cube_ids: ['agent-7'] },
      ]);
    });

    it('refuses an empty, unscoped or malformed delete with a 400, without calling the core', async () => {
      await refused('/delete/memory', {}, 'give one of memory_ids, user_id, agent_id or filter');
      await refused('/delete/memory', { filter: {} }, 'give one of memory_ids, user_id, agent_id or filter');
      await refused('/delete/memory', { filter: { session_id: 's1' } }, 'a filter delete needs user_id or agent_id to name the cube');
      await refused('/delete/memory', { user_id: 'u1', filter: { nope: { eq: 1 } } }, /^filter\.nope: unknown filter operator 'eq'/);
      await refused('/delete/memory', { memory_ids: [] }, /^invalid request: memory_ids: /);
      await refused('/delete/memory', null, 'request body must be a JSON object');
    });

    it("maps the core's errors to statuses", async () => {
      memory.delete.mockRejectedValueOnce(new NotFoundError('memory m9 not found'));
      const r = await http().post('/delete/memory').send({ memory_ids: ['m9'] }).expect(404);
      expect(r.body).toEqual({ code: 404, message: 'memory m9 not found', data: null });
    });
  });
});
