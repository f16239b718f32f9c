import { status, type ServiceError } from '@grpc/grpc-js';
import {
  AddRequest,
  DeleteRequest,
  FeedbackRequest,
  GetByIdsRequest,
  GetRequest,
  GetTaskStatusRequest,
  HealthCheckRequest,
  HealthCheckResponse_ServingStatus as Serving,
  ListRequest,
  SearchRequest,
} from '@engram/contracts';
import { grpcClients } from './grpc-client';
import { startTestServer, type TestServer } from './harness';
import { freePort } from './process';

jest.setTimeout(60_000);

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('gRPC API (standalone, contract over a real grpc-js client)', () => {
  let s: TestServer;
  let c: ReturnType<typeof grpcClients>;

  beforeAll(async () => {
    const port = await freePort();
    // hashing embedder: this suite checks the wire contract, not ranking quality (api.e2e-spec does that)
    s = await startTestServer({ ENGRAM_GRPC_PORT: String(port), ENGRAM_EMBEDDER: 'hashing' });
    c = grpcClients(`127.0.0.1:${port}`);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });

  const addDog = () =>
    c.add(
      AddRequest.fromPartial({
        user_id: 'alice',
        session_id: 's1',
        async_mode: 'sync',
        messages: [
          {
            role: 'user',
            content: 'I adopted a golden retriever named Biscuit.',
            chat_time: '2026-05-02T09:00:00Z',
            message_id: 'g1',
          },
          { role: 'assistant', content: 'Congratulations on Biscuit!', message_id: 'g2' },
        ],
        info: { app: 'grpc-test', score: 3 },
      }),
    );

  it('Health/Check reports SERVING for the server and MemoryService, NOT_FOUND for others', async () => {
    expect((await c.healthCheck(HealthCheckRequest.fromPartial({}))).status).toBe(Serving.SERVING);
    expect((await c.healthCheck({ service: 'engram.v1.MemoryService' })).status).toBe(Serving.SERVING);
    const err = await rejection(c.healthCheck({ service: 'nope.v1.Nothing' }));
    expect(err.code).toBe(status.NOT_FOUND);
    expect((await c.healthList({})).statuses).toEqual({
      '': { status: Serving.SERVING },
      'engram.v1.MemoryService': { status: Serving.SERVING },
    });
  });

  it('Health/Watch sends the current status at once', async () => {
    const stream = c.health.watch({ service: '' });
    const first = await new Promise((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    expect(first).toEqual({ status: Serving.SERVING });
    stream.cancel();
  });

  it('Add → Search finds it with its sources, provenance and info', async () => {
    const added = await addDog();
    expect(added.message).toBe('Memory added successfully');
    expect(added.task_status).toBe('completed');
    expect(added.memories).toHaveLength(1);
    expect(added.memories[0]).toMatchObject({ memory_type: 'LongTermMemory', cube_id: 'alice' });

    const found = await c.search(
      SearchRequest.fromPartial({ user_id: 'alice', query: 'golden retriever Biscuit', relativity: 0 }),
    );
    const text = found.buckets.filter((b) => b.kind === 'text').flatMap((b) => b.memories);
    expect(text[0]!.memory!.id).toBe(added.memories[0]!.memory_id);
    expect(text[0]!.memory!.sources.map((x) => x.message_id)).toEqual(['g1', 'g2']);
    expect(text[0]!.memory!.sources[0]).toMatchObject({ role: 'user', chat_time: '2026-05-02T09:00:00Z' });
    expect(text[0]!.memory!.info).toEqual({ app: 'grpc-test', score: 3 });
    expect(text[0]!.memory!.provenance).toMatchObject({ mode: 'fast', task_id: added.task_id });
    expect(text[0]!.relativity).toBeGreaterThan(0);
    expect(text[0]!.recalled_by.length).toBeGreaterThan(0);
    expect(found.took_ms).toBeGreaterThan(0);
  });

  it('a retried Add returns the same ids and says it was a replay', async () => {
    const a = await addDog();
    expect(a.replayed).toBe(true);
    expect(a.message).toMatch(/idempotent/);
  });

  it('Get and GetByIds return stored memories; Get of an absent id is NOT_FOUND', async () => {
    const a = await c.add(AddRequest.fromPartial({ user_id: 'bob', memory_content: 'Bob lives in Oslo.' }));
    const b = await c.add(
      AddRequest.fromPartial({ user_id: 'bob', memory_content: 'Bob works as a nurse.' }),
    );
    const [idA, idB] = [a.memories[0]!.memory_id, b.memories[0]!.memory_id];
    const one = await c.get(GetRequest.fromPartial({ memory_id: idA }));
    expect(one.memory).toMatchObject({
      id: idA,
      cube_id: 'bob',
      user_id: 'bob',
      session_id: 'default_session',
      status: 'activated',
    });
    const many = await c.getByIds(GetByIdsRequest.fromPartial({ memory_ids: [idB, 'absent-id', idA] }));
    expect(many.memories.map((m) => m.id)).toEqual([idB, idA]);
    const err = await rejection(c.get({ memory_id: 'absent-id' }));
    expect(err.code).toBe(status.NOT_FOUND);
    expect(err.details).toBe('Memory with ID absent-id not found');
  });

  it('List pages a cube newest first', async () => {
    const ids: string[] = [];
    for (const text of ['first note', 'second note', 'third note']) {
      ids.push(
        (await c.add(AddRequest.fromPartial({ user_id: 'pager', memory_content: text }))).memories[0]!
          .memory_id,
      );
      await new Promise((r) => setTimeout(r, 5)); // distinct created_at
    }
    const p1 = await c.list(ListRequest.fromPartial({ mem_cube_id: 'pager', page: 1, page_size: 2 }));
    const p2 = await c.list(ListRequest.fromPartial({ mem_cube_id: 'pager', page: 2, page_size: 2 }));
    expect(p1.total).toBe(3);
    expect(p1.memories.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect(p2.memories.map((m) => m.id)).toEqual([ids[0]]);
    const all = await c.list(ListRequest.fromPartial({ mem_cube_id: 'pager' }));
    expect(all.memories).toHaveLength(3);
    const filtered = await c.list(
      ListRequest.fromPartial({ mem_cube_id: 'pager', filter_json: '{"memory": {"like": "%second%"}}' }),
    );
    expect(filtered.memories.map((m) => m.id)).toEqual([ids[1]]);
  });

  it('Delete by ids and by filter', async () => {
    const a = await c.add(
      AddRequest.fromPartial({ user_id: 'del', session_id: 'keep', memory_content: 'keep me' }),
    );
    const b = await c.add(
      AddRequest.fromPartial({ user_id: 'del', session_id: 'drop', memory_content: 'drop me' }),
    );
    const byIds = await c.delete(DeleteRequest.fromPartial({ memory_ids: [a.memories[0]!.memory_id] }));
    expect(byIds).toEqual({ memory_ids: [a.memories[0]!.memory_id], deleted: 1 });
    expect((await rejection(c.get({ memory_id: a.memories[0]!.memory_id }))).code).toBe(status.NOT_FOUND);
    const byFilter = await c.delete(
      DeleteRequest.fromPartial({ writable_cube_ids: ['del'], filter: { session_id: 'drop' } }),
    );
    expect(byFilter.memory_ids).toEqual([b.memories[0]!.memory_id]);
    expect((await c.list(ListRequest.fromPartial({ mem_cube_id: 'del' }))).total).toBe(0);
  });

  it('invalid input is INVALID_ARGUMENT with a message naming the field, and stores nothing', async () => {
    const role = await rejection(
      c.add(AddRequest.fromPartial({ user_id: 'bad', messages: [{ role: 'robot', content: 'hi' }] })),
    );
    expect(role.code).toBe(status.INVALID_ARGUMENT);
    expect(role.details).toBe('messages[0].role must be one of system, user, assistant, tool');

    const noMessages = await rejection(c.add(AddRequest.fromPartial({ user_id: 'bad' })));
    expect(noMessages.details).toBe('invalid request: messages: messages is required');

    const topK = await rejection(
      c.search(SearchRequest.fromPartial({ user_id: 'bad', query: 'x', top_k: 0 })),
    );
    expect(topK.code).toBe(status.INVALID_ARGUMENT);
    expect(topK.details).toBe('invalid request: top_k: Number must be greater than or equal to 1');

    const dedup = await rejection(
      c.search(SearchRequest.fromPartial({ user_id: 'bad', query: 'x', dedup: 'maybe' })),
    );
    expect(dedup.details).toBe('invalid request: dedup: must be one of no, sim, mmr');

    const op = await rejection(
      c.search(
        SearchRequest.fromPartial({
          user_id: 'bad',
          query: 'x',
          filter_json: '{"created_at": {"between": [1, 2]}}',
        }),
      ),
    );
    expect(op.code).toBe(status.INVALID_ARGUMENT);
    expect(op.details).toMatch(/unknown filter operator 'between'/);

    const both = await rejection(
      c.list(ListRequest.fromPartial({ mem_cube_id: 'bad', filter: { a: 1 }, filter_json: '{"a": 1}' })),
    );
    expect(both.details).toBe('give filter or filter_json, not both');

    const json = await rejection(
      c.list(ListRequest.fromPartial({ mem_cube_id: 'bad', filter_json: '{oops' })),
    );
    expect(json.details).toMatch(/^filter_json is not valid JSON/);

    const tenant = await rejection(
      c.add(AddRequest.fromPartial({ user_id: 'bad', memory_content: 'x' }), {
        'x-engram-tenant': 'no spaces',
      }),
    );
    expect(tenant.details).toBe('x-engram-tenant must be 1-128 characters of [A-Za-z0-9._:-]');

    expect((await c.list(ListRequest.fromPartial({ mem_cube_id: 'bad' }))).total).toBe(0);
  });

  it('fine mode without an LLM is FAILED_PRECONDITION', async () => {
    const err = await rejection(
      c.add(
        AddRequest.fromPartial({ user_id: 'fine', memory_content: 'x', mode: 'fine', async_mode: 'sync' }),
      ),
    );
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/mode=fine needs an LLM/);
  });

  it('tenants are isolated by the x-engram-tenant metadata', async () => {
    const other = { 'x-engram-tenant': 'acme' };
    const a = await c.add(
      AddRequest.fromPartial({ user_id: 'carol', memory_content: 'Carol likes tea.' }),
      other,
    );
    const id = a.memories[0]!.memory_id;
    expect((await c.getByIds({ memory_ids: [id] })).memories).toEqual([]);
    expect((await c.getByIds({ memory_ids: [id] }, other)).memories[0]!.tenant_id).toBe('acme');
  });

  it('an idempotency key in metadata gives the same ids on retry', async () => {
    const req = AddRequest.fromPartial({ user_id: 'kim', memory_content: 'Kim prefers window seats.' });
    const a = await c.add(req, { 'idempotency-key': 'grpc-req-1' });
    const b = await c.add(req, { 'idempotency-key': 'grpc-req-1' });
    expect(b.memories.map((m) => m.memory_id)).toEqual(a.memories.map((m) => m.memory_id));
    expect(b.replayed).toBe(true);
  });

  it('Feedback is stored as a fast-mode memory tagged feedback, and says the pipeline is not built', async () => {
    const r = await c.feedback(
      FeedbackRequest.fromPartial({
        user_id: 'dave',
        feedback_content: 'No, my dog is called Rex.',
        retrieved_memory_ids: ['m-1'],
      }),
    );
    expect(r.added).toHaveLength(1);
    expect(r.updated_ids).toEqual([]);
    expect(r.message).toMatch(/feedback pipeline .* not built yet/);
    const [m] = (await c.getByIds({ memory_ids: [r.added[0]!.memory_id] })).memories;
    expect(m!.tags).toContain('feedback');
    expect(m!.info).toMatchObject({ feedback: true, retrieved_memory_ids: ['m-1'] });
  });

  it('GetTaskStatus reports an add task; an unknown task is NOT_FOUND', async () => {
    const a = await c.add(
      AddRequest.fromPartial({ user_id: 'erin', memory_content: 'Erin runs marathons.', async_mode: 'sync' }),
    );
    const t = await c.taskStatus(GetTaskStatusRequest.fromPartial({ task_id: a.task_id }));
    expect(t.tasks).toEqual([
      expect.objectContaining({ task_id: a.task_id, status: 'completed', label: 'add', cube_ids: ['erin'] }),
    ]);
    expect((await rejection(c.taskStatus({ task_id: 'no-such-task' }))).code).toBe(status.NOT_FOUND);
  });

  it('REST keeps its own envelope and errors next to gRPC', async () => {
    await s.http.get('/health').expect(200);
    const r = await s.http.post('/product/search').send({ user_id: 'x', query: '' }).expect(400);
    expect(r.body).toMatchObject({ code: 400, data: null });
  });

  it('closing the app ends Watch streams with NOT_SERVING instead of hanging the shutdown', async () => {
    const stream = c.health.watch({ service: 'engram.v1.MemoryService' });
    const seen: number[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (d: { status: number }) => seen.push(d.status));
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    await s.app.close();
    await ended;
    expect(seen).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
  });
});
