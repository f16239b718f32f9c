import 'reflect-metadata';
import { Logger, type INestApplicationContext, type INestMicroservice } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { lastValueFrom } from 'rxjs';
import {
  AddRequest,
  DeleteRequest,
  FeedbackRequest,
  GetByIdsRequest,
  GetRequest,
  GetTaskStatusRequest,
  ListRequest,
  MemoryServiceClient,
  SearchRequest,
  type AddResponse,
  type GetResponse,
  type SearchResponse,
} from '@engram/contracts';
import {
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
  type FilterNode,
  type MemoryItem,
} from '@engram/domain';
import type { AddResult } from '@engram/memory-core';
import { coreCalls, makeMemory, freePort, resetCore, stubMemoryApi, type StubMemoryApi } from '@engram/testing';
import { GrpcErrorFilter, type GrpcError } from './errors';
import { GrpcApiModule } from './grpc-api.module';
import { MemoryGrpcController } from './memory.controller';
import { grpcServerOptions, MEMORY_GRPC_SERVICES } from './server-options';

/**
 * `engram.v1.MemoryService` over a stubbed memory core that records the commands it receives: each
 * request as the core's command, each result as the response, and each error as its gRPC status
 * (through the controller's own error filter, and over the wire with the generated client).
 */

const DEFAULT_TENANT = 'default-tenant';

function item(over: Partial<MemoryItem> & { id: string; memory: string }): MemoryItem {
  return makeMemory({
    tenant_id: DEFAULT_TENANT,
    cube_id: 'u1',
    user_id: 'u1',
    session_id: 's1',
    key: 'pets',
    sources: [{ type: 'chat', message_id: 'm1', role: 'user', chat_time: '2026-01-01T00:00:00.000Z' }],
    info: { topic: 'pets' },
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
    provenance: { ingest_key: 'ik', mode: 'fast', task_id: 'task-1' },
    ...over,
  });
}

const ADDED: AddResult = {
  memories: [{ memory: 'user: I have a dog', memory_id: 'mem-1', memory_type: 'LongTermMemory', cube_id: 'u1' }],
  task_id: 'task-1',
  task_status: 'completed',
  replayed: false,
};

const md = (kv: Record<string, string>) => {
  const m = new Metadata();
  for (const [k, v] of Object.entries(kv)) m.set(k, v);
  return m;
};

/** The status a failing call leaves with: the error passed through the controller's filter. */
async function statusOf(call: () => unknown): Promise<GrpcError> {
  try {
    await call();
  } catch (err) {
    return lastValueFrom(new GrpcErrorFilter().catch(err, {} as never)).then(
      () => {
        throw new Error('the filter did not fail');
      },
      (e: GrpcError) => e,
    );
  }
  throw new Error('expected the call to fail');
}

describe('MemoryGrpcController over a stubbed memory core', () => {
  let ctx: INestApplicationContext;
  let ctl: MemoryGrpcController;
  let memory: StubMemoryApi;
  /** INVALID_ARGUMENT with `message`, the core never reached. */
  const invalid = async (call: () => unknown, message: string | RegExp) => {
    const e = await statusOf(call);
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect(coreCalls(memory)).toBe(0);
  };

  beforeAll(async () => {
    memory = stubMemoryApi();
    ctx = await NestFactory.createApplicationContext(
      GrpcApiModule.register({ memory, options: { defaultTenant: DEFAULT_TENANT } }),
      { logger: false },
    );
    ctl = ctx.get(MemoryGrpcController);
  });
  afterAll(() => ctx.close());
  beforeEach(() => resetCore(memory));

  it('every handler error leaves through GrpcErrorFilter', () => {
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, MemoryGrpcController)).toEqual([GrpcErrorFilter]);
  });

  describe('Add', () => {
    it('a minimal request is a fast async add to the user cube in the default tenant', async () => {
      memory.add.mockResolvedValue(ADDED);
      const res = await ctl.add(AddRequest.fromPartial({ user_id: 'u1', messages: [{ content: 'I have a dog' }] }));
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
      expect(res).toStrictEqual({
        memories: ADDED.memories,
        task_id: 'task-1',
        task_status: 'completed',
        replayed: false,
        message: 'Memory added successfully',
        refused_ids: [],
      });
    });

    it('maps every field: cubes de-duplicated, parts in the OpenAI shape, tenant and idempotency key from metadata', async () => {
      memory.add.mockResolvedValue(ADDED);
      await ctl.add(
        AddRequest.fromPartial({
          user_id: 'u1',
          session_id: 'sess',
          task_id: 'task-42',
          writable_cube_ids: ['c1', 'c2', 'c1'],
          custom_tags: ['a'],
          info: { lang: 'en' },
          idempotency_key: 'field-key',
          mode: 'fine',
          async_mode: 'sync',
          messages: [
            { role: 'assistant', content: 'hello', chat_time: '2026-01-01', message_id: 'msg-1' },
            {
              content: 'look',
              parts: [
                { image_url: { url: 'http://x/a.png', detail: 'low' } },
                { text: 'and this' },
                { file: { file_id: 'f1', filename: 'a.pdf' } },
              ],
            },
          ],
        }),
        md({ 'x-engram-tenant': 'acme', 'idempotency-key': 'md-key' }),
      );
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: 'acme',
        user_id: 'u1',
        session_id: 'sess',
        cube_ids: ['c1', 'c2'],
        messages: [
          { role: 'assistant', content: 'hello', chat_time: '2026-01-01', message_id: 'msg-1' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'http://x/a.png', detail: 'low' } },
              { type: 'text', text: 'and this' },
              { type: 'file', file: { file_id: 'f1', filename: 'a.pdf', file_data: undefined } },
            ],
          },
        ],
        idempotency_key: 'md-key',
        task_id: 'task-42',
        custom_tags: ['a'],
        info: { lang: 'en' },
        mode: 'fine',
        async_mode: 'sync',
      });
    });

    it('memory_content stands in for messages; the field key is used without metadata; fine is fast when async', async () => {
      memory.add.mockResolvedValue(ADDED);
      await ctl.add(
        AddRequest.fromPartial({ user_id: 'u1', memory_content: 'remember the milk', idempotency_key: 'field-key', mode: 'fine' }),
        new Metadata(),
      );
      const cmd = memory.add.mock.calls[0]![0];
      expect([cmd.messages, cmd.idempotency_key, cmd.mode, cmd.async_mode]).toEqual([
        'remember the milk',
        'field-key',
        'fast',
        'async',
      ]);
    });

    it('answers a replay with refused ids', async () => {
      memory.add.mockResolvedValue({ ...ADDED, replayed: true, refused_ids: ['gone-1', 'gone-2'] });
      const res = await ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' }));
      expect(res.message).toBe(
        'Memory already added (idempotent replay); 2 memories were deleted since an earlier add and stay deleted',
      );
      expect([res.replayed, res.refused_ids]).toEqual([true, ['gone-1', 'gone-2']]);
    });

    it('refuses bad requests with INVALID_ARGUMENT naming the field, without calling the core', async () => {
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: '', mode: 'slow' })),
        'invalid request: user_id: must not be empty; mode: must be one of fast, fine; messages: messages is required',
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x', async_mode: 'later' })),
        'invalid request: async_mode: must be one of async, sync',
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x', writable_cube_ids: ['ok', ''] })),
        'invalid request: writable_cube_ids.1: must not be empty',
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u\u0000', memory_content: 'x' })),
        'user_id contains the control character U+0000',
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x', info: { k: 'a\u0007' } })),
        /^info\.k contains the control character U\+0007$/,
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' }), md({ 'x-engram-tenant': 'a b' })),
        'x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]',
      );
      await invalid(
        () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' }), md({ 'idempotency-key': ' ' })),
        'idempotency key must be 1-256 characters',
      );
    });

    it("maps the core's errors: RESOURCE_EXHAUSTED, FAILED_PRECONDITION, NOT_FOUND, INTERNAL", async () => {
      const call = () => ctl.add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' }));
      memory.add.mockRejectedValueOnce(new PayloadTooLargeError('message 0 is too long'));
      expect(await statusOf(call)).toEqual({ code: status.RESOURCE_EXHAUSTED, message: 'message 0 is too long' });
      memory.add.mockRejectedValueOnce(new UnavailableError('fine mode needs an LLM'));
      expect(await statusOf(call)).toEqual({ code: status.FAILED_PRECONDITION, message: 'fine mode needs an LLM' });
      memory.add.mockRejectedValueOnce(new NotFoundError('no such cube'));
      expect(await statusOf(call)).toEqual({ code: status.NOT_FOUND, message: 'no such cube' });
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      memory.add.mockRejectedValueOnce(new Error('disk on fire at /var/secret'));
      expect(await statusOf(call)).toEqual({ code: status.INTERNAL, message: 'internal error' });
      log.mockRestore();
    });
  });

  describe('Search', () => {
    it('fills the defaults: top_k 10, relativity 0.45, dedup mmr, quotas 6/6/3, every kind on', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await ctl.search(SearchRequest.fromPartial({ user_id: 'u1', query: 'dog' }));
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

    it('passes what the caller set, a filter_json parsed, and zeros as given (not defaulted)', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await ctl.search(
        SearchRequest.fromPartial({
          user_id: 'u1',
          query: 'dog',
          readable_cube_ids: ['c1', 'c2', 'c1'],
          session_id: 's9',
          top_k: 3,
          relativity: 0,
          dedup: 'no',
          filter_json: '{"user_id": "u1", "topic": "pets"}',
          search_memory_type: 'AllSummaryMemory',
          include_preference: false,
          pref_top_k: 0,
          search_tool_memory: false,
          tool_mem_top_k: 0,
          include_skill_memory: false,
          skill_mem_top_k: 0,
        }),
        md({ 'x-engram-tenant': 'acme' }),
      );
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
        tool_mem_top_k: 0,
        include_skill_memory: false,
        skill_mem_top_k: 0,
      });
    });

    it('a per-cube filter Struct becomes one filter per cube', async () => {
      memory.search.mockResolvedValue({ buckets: [], took_ms: 1 });
      await ctl.search(
        SearchRequest.fromPartial({ user_id: 'u1', query: 'q', readable_cube_ids: ['a', 'b'], filter: { a: { user_id: 'u1' }, b: { session_id: 's' } } }),
      );
      expect(memory.search.mock.calls[0]![0].filter).toEqual(
        new Map([
          ['a', { kind: 'cmp', field: 'user_id', op: '=', value: 'u1' }],
          ['b', { kind: 'cmp', field: 'session_id', op: '=', value: 's' }],
        ]),
      );
    });

    it('answers the buckets with wire memories and features, took_ms and the mode note', async () => {
      const m = item({ id: 'aaaa-1', memory: 'dog named Biscuit' });
      memory.search.mockResolvedValue({
        took_ms: 12.3456,
        buckets: [
          {
            kind: 'text',
            cube_id: 'u1',
            memories: [
              { item: m, relativity: 0.8, features: { cosine: 0.9, coverage: 0.5, entities: 0.25, bm25: 0.1, sameSession: 1 }, recalled_by: ['vector', 'graph'] },
            ],
          },
          { kind: 'pref', cube_id: 'u1', memories: [] },
        ],
      });
      const res: SearchResponse = await ctl.search(SearchRequest.fromPartial({ user_id: 'u1', query: 'dog' }));
      expect(res.took_ms).toBe(12.3456);
      expect(res.message).toBe('Search completed successfully');
      expect(res.buckets.map((b) => [b.kind, b.cube_id, b.memories.length])).toEqual([
        ['text', 'u1', 1],
        ['pref', 'u1', 0],
      ]);
      const s = res.buckets[0]!.memories[0]!;
      expect(s.relativity).toBe(0.8);
      expect(s.features).toStrictEqual({ cosine: 0.9, coverage: 0.5, entities: 0.25, bm25: 0.1, same_session: 1 });
      expect(s.recalled_by).toEqual(['vector', 'graph']);
      expect(s.memory).toMatchObject({ id: 'aaaa-1', memory: 'dog named Biscuit', cube_id: 'u1', memory_type: 'LongTermMemory' });
      const fine = await ctl.search(SearchRequest.fromPartial({ user_id: 'u1', query: 'dog', mode: 'mixture' }));
      expect(fine.message).toBe('Search completed successfully (mode mixture served as fast)');
    });

    it('refuses bad requests with INVALID_ARGUMENT naming the field, without calling the core', async () => {
      await invalid(
        () => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: ' ', relativity: 1.5 })),
        'invalid request: query: must not be empty; relativity: Number must be less than or equal to 1',
      );
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', top_k: 0 })), /^invalid request: top_k: /);
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', dedup: 'maybe' })), 'invalid request: dedup: must be one of no, sim, mmr');
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', skill_mem_top_k: 101 })), /^invalid request: skill_mem_top_k: /);
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', search_memory_type: 'Bogus' })), /^search_memory_type must be All or one of /);
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', filter_json: '{bad' })), /^filter_json is not valid JSON: /);
      await invalid(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', filter_json: '[1]' })), 'filter_json must be a JSON object (a MemOS filter dict)');
      await invalid(
        () => ctl.search(SearchRequest.fromPartial({ user_id: 'u', query: 'q', filter: { user_id: 'u' }, filter_json: '{"user_id": "u"}' })),
        'give filter or filter_json, not both',
      );
    });

    it("maps the core's errors", async () => {
      memory.search.mockRejectedValueOnce(new UnavailableError('query_embedding from another embedder'));
      expect(await statusOf(() => ctl.search(SearchRequest.fromPartial({ user_id: 'u1', query: 'q' })))).toEqual({
        code: status.FAILED_PRECONDITION,
        message: 'query_embedding from another embedder',
      });
    });
  });

  describe('Get and GetByIds', () => {
    it('Get answers the memory in the wire shape (nulls absent), asking in the caller tenant', async () => {
      memory.getByIds.mockResolvedValue([item({ id: 'm1', memory: 'a fact' })]);
      const res: GetResponse = await ctl.get(GetRequest.fromPartial({ memory_id: 'm1' }), md({ 'x-engram-tenant': 'acme' }));
      expect(memory.getByIds.mock.calls).toEqual([['acme', ['m1']]]);
      expect(res.memory).toMatchObject({
        id: 'm1',
        memory: 'a fact',
        tenant_id: DEFAULT_TENANT,
        info: { topic: 'pets' },
        valid_from: undefined,
        superseded_by: undefined,
        evolve_to: [],
        provenance: { ingest_key: 'ik', task_id: 'task-1', extractor: undefined, mode: 'fast' },
      });
      expect(res.memory?.sources).toEqual([
        {
          type: 'chat',
          message_id: 'm1',
          role: 'user',
          chat_time: '2026-01-01T00:00:00.000Z',
          content: undefined,
          doc_path: undefined,
          file_info: undefined,
          image_info: undefined,
          lang: undefined,
          index: undefined,
        },
      ]);
    });

    it('Get is NOT_FOUND naming the id when the core has none; INVALID_ARGUMENT for an empty id', async () => {
      memory.getByIds.mockResolvedValue([]);
      expect(await statusOf(() => ctl.get(GetRequest.fromPartial({ memory_id: 'missing' })))).toEqual({
        code: status.NOT_FOUND,
        message: 'Memory with ID missing not found',
      });
      expect(memory.getByIds.mock.calls).toEqual([[DEFAULT_TENANT, ['missing']]]);
      memory.getByIds.mockReset();
      await invalid(() => ctl.get(GetRequest.fromPartial({ memory_id: '  ' })), 'invalid request: memory_id: must not be empty');
    });

    it('GetByIds answers in the order the core gives', async () => {
      memory.getByIds.mockResolvedValue([item({ id: 'b', memory: 'B' }), item({ id: 'a', memory: 'A' })]);
      const res = await ctl.getByIds(GetByIdsRequest.fromPartial({ memory_ids: ['b', 'a'] }));
      expect(memory.getByIds.mock.calls).toEqual([[DEFAULT_TENANT, ['b', 'a']]]);
      expect(res.memories.map((m) => m.id)).toEqual(['b', 'a']);
      memory.getByIds.mockReset();
      await invalid(() => ctl.getByIds(GetByIdsRequest.fromPartial({ memory_ids: ['a', ''] })), 'invalid request: memory_ids.1: must not be empty');
    });
  });

  describe('List', () => {
    it("lists the cube, with the memory types and the caller's filter ANDed, pages passed", async () => {
      memory.getMemories.mockResolvedValue({ items: [item({ id: 'm1', memory: 'x' })], total: 9 });
      const bare = await ctl.list(ListRequest.fromPartial({ mem_cube_id: 'c1' }));
      await ctl.list(
        ListRequest.fromPartial({ mem_cube_id: 'c1', memory_types: ['LongTermMemory', 'UserMemory'], filter_json: '{"session_id": "s1"}', page: 2, page_size: 5 }),
        md({ 'x-engram-tenant': 'acme' }),
      );
      expect(memory.getMemories.mock.calls.map(([c]) => c)).toStrictEqual([
        { tenant_id: DEFAULT_TENANT, cube_ids: ['c1'], filter: null },
        {
          tenant_id: 'acme',
          cube_ids: ['c1'],
          filter: {
            kind: 'and',
            children: [
              { kind: 'cmp', field: 'memory_type', op: 'in', value: ['LongTermMemory', 'UserMemory'] },
              { kind: 'cmp', field: 'session_id', op: '=', value: 's1' },
            ],
          },
          page: 2,
          page_size: 5,
        },
      ]);
      expect(bare.total).toBe(9);
      expect(bare.memories.map((m) => m.id)).toEqual(['m1']);
    });

    it('refuses bad requests with INVALID_ARGUMENT', async () => {
      await invalid(() => ctl.list(ListRequest.fromPartial({ mem_cube_id: '' })), 'invalid request: mem_cube_id: must not be empty');
      await invalid(() => ctl.list(ListRequest.fromPartial({ mem_cube_id: 'c1', memory_types: ['Bogus'] })), /^invalid request: memory_types\.0: /);
      await invalid(() => ctl.list(ListRequest.fromPartial({ mem_cube_id: 'c1', page: 0 })), /^invalid request: page: /);
    });
  });

  describe('Delete', () => {
    it('deletes by ids (within writable cubes when given) or by filter / user / session', async () => {
      memory.delete.mockResolvedValue(['m1']);
      const res = await ctl.delete(DeleteRequest.fromPartial({ memory_ids: ['m1', 'm2'] }));
      await ctl.delete(DeleteRequest.fromPartial({ memory_ids: ['m1'], writable_cube_ids: ['c1'] }), md({ 'x-engram-tenant': 'acme' }));
      await ctl.delete(DeleteRequest.fromPartial({ user_id: 'u1', session_id: 's1', filter_json: '{"topic": "x"}' }));
      expect(memory.delete.mock.calls.map(([c]) => c)).toStrictEqual([
        { tenant_id: DEFAULT_TENANT, kind: 'ids', ids: ['m1', 'm2'] },
        { tenant_id: 'acme', kind: 'ids', ids: ['m1'], cube_ids: ['c1'] },
        {
          tenant_id: DEFAULT_TENANT,
          kind: 'filter',
          filter: {
            kind: 'and',
            children: [
              { kind: 'cmp', field: 'info.topic', op: '=', value: 'x' },
              { kind: 'cmp', field: 'user_id', op: '=', value: 'u1' },
              { kind: 'cmp', field: 'session_id', op: '=', value: 's1' },
            ],
          },
          cube_ids: ['u1'],
        },
      ]);
      expect(res).toStrictEqual({ memory_ids: ['m1'], deleted: 1 });
    });

    it('refuses an empty, ambiguous or unscoped delete with INVALID_ARGUMENT', async () => {
      await invalid(() => ctl.delete(DeleteRequest.fromPartial({})), 'give one of memory_ids, file_ids, or filter / user_id / session_id');
      await invalid(
        () => ctl.delete(DeleteRequest.fromPartial({ memory_ids: ['m1'], filter_json: '{"topic": "x"}' })),
        'give exactly one of memory_ids, file_ids, or filter',
      );
      await invalid(() => ctl.delete(DeleteRequest.fromPartial({ session_id: 's1' })), 'a filter delete needs writable_cube_ids or user_id');
      await invalid(() => ctl.delete(DeleteRequest.fromPartial({ memory_ids: ['a\u0000'] })), 'memory_ids[0] contains the control character U+0000');
    });
  });

  describe('Feedback', () => {
    it('stores the feedback as one fast memory tagged feedback, with what it was about in info', async () => {
      memory.add.mockResolvedValue(ADDED);
      const res = await ctl.feedback(
        FeedbackRequest.fromPartial({
          user_id: 'u1',
          feedback_content: 'my dog is called Rex, not Biscuit',
          feedback_time: '2026-02-01',
          retrieved_memory_ids: ['m1'],
          info: { channel: 'chat' },
        }),
        md({ 'idempotency-key': 'fb-1' }),
      );
      expect(memory.add.mock.calls[0]![0]).toStrictEqual({
        tenant_id: DEFAULT_TENANT,
        user_id: 'u1',
        session_id: 'default_session',
        cube_ids: ['u1'],
        messages: [{ role: 'user', content: 'my dog is called Rex, not Biscuit', chat_time: '2026-02-01' }],
        idempotency_key: 'fb-1',
        custom_tags: ['feedback'],
        info: { channel: 'chat', feedback: true, retrieved_memory_ids: ['m1'] },
        mode: 'fast',
        async_mode: 'async',
      });
      expect(res).toStrictEqual({
        added: ADDED.memories,
        updated_ids: [],
        answer: '',
        task_id: 'task-1',
        message: 'Feedback stored as a memory (fast mode); the feedback pipeline that updates memories is not built yet',
      });
      memory.add.mockReset();
      await invalid(() => ctl.feedback(FeedbackRequest.fromPartial({ user_id: 'u1', feedback_content: ' ' })), 'invalid request: feedback_content: must not be empty');
    });
  });

  describe('GetTaskStatus', () => {
    beforeAll(() => {
      memory.tasks.upsert({ task_id: 'tk-1', tenant_id: DEFAULT_TENANT, user_id: 'u1', cube_ids: ['u1'], label: 'mem_read', status: 'in_progress' });
      memory.tasks.upsert({ task_id: 'tk-2', tenant_id: 'acme', user_id: 'u1', cube_ids: ['u1'], label: 'add', status: 'failed', error: 'boom' });
    });

    it("answers the caller tenant's tasks only", () => {
      const mine = ctl.getTaskStatus(GetTaskStatusRequest.fromPartial({ user_id: 'u1' }));
      expect(mine.tasks.map((t) => [t.task_id, t.status, t.label, t.cube_ids])).toEqual([['tk-1', 'in_progress', 'mem_read', ['u1']]]);
      const acme = ctl.getTaskStatus(GetTaskStatusRequest.fromPartial({ task_id: 'tk-2' }), md({ 'x-engram-tenant': 'acme' }));
      expect(acme.tasks).toEqual([expect.objectContaining({ task_id: 'tk-2', status: 'failed', error: 'boom', user_id: 'u1' })]);
    });

    it("is NOT_FOUND for another tenant's task id", async () => {
      expect(await statusOf(() => ctl.getTaskStatus(GetTaskStatusRequest.fromPartial({ task_id: 'tk-2' })))).toEqual({
        code: status.NOT_FOUND,
        message: 'task tk-2 not found',
      });
    });
  });
});

/** The same controller served by Nest over grpc-js: statuses and metadata as a client sees them. */
describe('MemoryService over the wire (generated client)', () => {
  let server: INestMicroservice;
  let client: InstanceType<typeof MemoryServiceClient>;
  const memory = stubMemoryApi();

  beforeAll(async () => {
    const port = await freePort();
    server = await NestFactory.createMicroservice(
      GrpcApiModule.register({ memory, options: { defaultTenant: DEFAULT_TENANT } }),
      { ...grpcServerOptions({ host: '127.0.0.1', port, services: MEMORY_GRPC_SERVICES }), logger: false },
    );
    await server.listen();
    client = new MemoryServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const add = (req: AddRequest, meta = new Metadata()) =>
    new Promise<AddResponse>((resolve, reject) => client.add(req, meta, (err, res) => (err ? reject(err) : resolve(res))));
  const get = (req: GetRequest) =>
    new Promise<GetResponse>((resolve, reject) => client.get(req, (err, res) => (err ? reject(err) : resolve(res))));
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: ServiceError) => ({ code: e.code, details: e.details }),
    );

  it('tenant and idempotency key travel as metadata; the response decodes', async () => {
    memory.add.mockResolvedValueOnce(ADDED);
    const res = await add(
      AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x', idempotency_key: 'field' }),
      md({ 'x-engram-tenant': 'acme', 'idempotency-key': 'md-key' }),
    );
    const cmd = memory.add.mock.calls.at(-1)![0];
    expect([cmd.tenant_id, cmd.idempotency_key, cmd.messages]).toEqual(['acme', 'md-key', 'x']);
    expect(res).toMatchObject({ task_id: 'task-1', task_status: 'completed', message: 'Memory added successfully', refused_ids: [] });
  });

  it('each error leaves with its status and message', async () => {
    expect(await failure(add(AddRequest.fromPartial({ user_id: '' , memory_content: 'x' })))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'invalid request: user_id: must not be empty',
    });
    memory.getByIds.mockResolvedValueOnce([]);
    expect(await failure(get(GetRequest.fromPartial({ memory_id: 'nope' })))).toEqual({
      code: status.NOT_FOUND,
      details: 'Memory with ID nope not found',
    });
    memory.add.mockRejectedValueOnce(new PayloadTooLargeError('too big'));
    expect(await failure(add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' })))).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      details: 'too big',
    });
    memory.add.mockRejectedValueOnce(new UnavailableError('no LLM configured'));
    expect(await failure(add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' })))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'no LLM configured',
    });
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    memory.add.mockRejectedValueOnce(new Error('secret stack'));
    expect(await failure(add(AddRequest.fromPartial({ user_id: 'u1', memory_content: 'x' })))).toEqual({
      code: status.INTERNAL,
      details: 'internal error',
    });
    log.mockRestore();
  });
});
