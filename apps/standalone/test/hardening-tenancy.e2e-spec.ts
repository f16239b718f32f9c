import { status, type ServiceError } from '@grpc/grpc-js';
import { AddRequest, GetTaskStatusRequest } from '@engram/contracts';
import { FakeOpenAiServer } from '@engram/testing';
import { grpcClients } from './grpc-client';
import { startTestServer, type TestServer } from './harness';
import { freePort } from './process';

jest.setTimeout(60_000);

/**
 * Issue 10 item 3 (scheduler tasks ignored tenants) and the scheduler part of item 7 (schema-valid
 * scheduler requests refused), probed over HTTP as the issue did. Tenant A's extraction is held by a
 * slow fake LLM so its task is still pending while tenant B probes.
 */
describe('scheduler tasks stay in their tenant (x-engram-tenant)', () => {
  const fake = new FakeOpenAiServer();
  let s: TestServer;
  const A = { 'x-engram-tenant': 'tenant-a' };
  const B = { 'x-engram-tenant': 'tenant-b' };
  beforeAll(async () => {
    await fake.start();
    s = await startTestServer({
      ENGRAM_LLM_BASE_URL: fake.baseUrl,
      ENGRAM_LLM_EXTRACTOR_MODEL: 'fake-extractor',
      ENGRAM_LLM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await s.stop();
    await fake.stop();
  });

  const get = (path: string, tenant: Record<string, string>) => s.http.get(path).set(tenant);

  it("tenant B can neither see, count nor take over tenant A's task", async () => {
    fake.setDefault({
      delayMs: 2_000,
      json: {
        memories: [
          {
            key: 'diet',
            value: 'Ana is allergic to peanuts.',
            memory_type: 'UserMemory',
            source_message_ids: ['a1'],
          },
        ],
        summary: '',
      },
    });
    const a = await s.http
      .post('/product/add')
      .set(A)
      .send({
        user_id: 'ana',
        task_id: 'shared-task',
        async_mode: 'async',
        mode: 'fine',
        messages: [{ role: 'user', content: 'I am allergic to peanuts.', message_id: 'a1' }],
      })
      .expect(200);
    expect(a.body).toMatchObject({ task_id: 'shared-task', task_status: 'waiting' });

    // B asks for A's task by id, and by A's user: nothing of A's
    await get('/product/scheduler/status?task_id=shared-task', B).expect(404);
    expect((await get('/product/scheduler/status?user_id=ana', B).expect(200)).body.data).toEqual([]);
    const bAll = await get('/product/scheduler/allstatus', B).expect(200);
    expect(bAll.body.data.all_tasks_summary).toMatchObject({ total: 0, pending: 0 });
    const bQueue = await get('/product/scheduler/task_queue_status?user_id=ana', B).expect(200);
    expect(bQueue.body.data).toMatchObject({
      users_count: 0,
      pending_tasks_count: 0,
      remaining_tasks_count: 0,
      stream_keys: [],
    });

    // B adds naming A's task id: B gets a task of its own, A's stays as it was
    const b = await s.http
      .post('/product/add')
      .set(B)
      .send({ user_id: 'bob', task_id: 'shared-task', async_mode: 'sync', messages: 'bob likes tea' })
      .expect(200);
    expect(b.body).toMatchObject({ task_id: 'shared-task', task_status: 'completed' });
    expect((await get('/product/scheduler/status?task_id=shared-task', B).expect(200)).body.data).toEqual([
      { task_id: 'shared-task', status: 'completed' },
    ]);
    expect((await get('/product/scheduler/status?user_id=bob', B).expect(200)).body.data).toHaveLength(1);
    expect(
      (await get('/product/scheduler/allstatus', B).expect(200)).body.data.all_tasks_summary,
    ).toMatchObject({
      total: 1,
      completed: 1,
    });

    const aTask = (await get('/product/scheduler/status?user_id=ana', A).expect(200)).body.data;
    expect(aTask).toEqual([
      { task_id: 'shared-task', status: expect.stringMatching(/^(waiting|in_progress)$/) },
    ]);
    expect((await get('/product/scheduler/status?user_id=bob', A).expect(200)).body.data).toEqual([]);
    const aQueue = await get('/product/scheduler/task_queue_status?user_id=ana', A).expect(200);
    expect(aQueue.body.data.users_count).toBe(1);
    expect(aQueue.body.data.pending_tasks_count + aQueue.body.data.remaining_tasks_count).toBe(1);
    expect(aQueue.body.data.stream_keys).toEqual(['ana:ana:mem_read']);

    // B's wait does not wait for A's work; A's does, and A's task finishes as A's
    const bWait = await s.http.post('/product/scheduler/wait?timeout_seconds=30').set(B).expect(200);
    expect(bWait.body).toMatchObject({ message: 'idle', data: { total: 1 } });
    const aWait = await s.http
      .post('/product/scheduler/wait?user_name=ana&timeout_seconds=30')
      .set(A)
      .expect(200);
    expect(aWait.body).toMatchObject({ message: 'idle', data: { completed: 1, total: 1 } });
    expect((await get('/product/scheduler/status?task_id=shared-task', A).expect(200)).body.data).toEqual([
      { task_id: 'shared-task', status: 'completed' },
    ]);
    const mems = await s.http.post('/product/get_memory').set(A).send({ mem_cube_id: 'ana' }).expect(200);
    expect(mems.body.data.text_mem[0].memories.map((m: { memory: string }) => m.memory)).toEqual([
      'Ana is allergic to peanuts.',
    ]);
  });

  it('the scheduler requests the document allows are accepted, and what it forbids is a 400 naming the field', async () => {
    const doc = (await s.http.get('/openapi.json').expect(200)).body;
    const param = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name);

    // wait/stream with empty numbers: schema-valid (numbers are optional), so the defaults apply
    expect(param('/product/scheduler/wait/stream', 'timeout_seconds')).toMatchObject({
      required: false,
      schema: { type: 'number', minimum: 0, maximum: 3600, default: 120 },
    });
    const r = await get('/product/scheduler/wait/stream?timeout_seconds=&poll_interval=', {
      'x-engram-tenant': 'quiet',
    }).expect(200);
    expect(r.headers['content-type']).toMatch(/text\/event-stream/);
    expect(r.text).toMatch(/^event: idle\n/);

    // task_queue_status needs a user: the document says so (required, minLength 1) and the route agrees
    expect(param('/product/scheduler/task_queue_status', 'user_id')).toMatchObject({
      required: true,
      schema: { type: 'string', minLength: 1 },
    });
    const q = await get('/product/scheduler/task_queue_status?user_id=', B).expect(400);
    expect(q.body.message).toMatch(/user_id is required/);
  });
});

describe('gRPC GetTaskStatus stays in its tenant (x-engram-tenant metadata)', () => {
  let s: TestServer;
  let c: ReturnType<typeof grpcClients>;
  beforeAll(async () => {
    const port = await freePort();
    s = await startTestServer({ ENGRAM_GRPC_PORT: String(port), ENGRAM_EMBEDDER: 'hashing' });
    c = grpcClients(`127.0.0.1:${port}`);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });

  it("another tenant's task id is NOT_FOUND, and naming it in an add does not take it over", async () => {
    const A = { 'x-engram-tenant': 'tenant-a' };
    const B = { 'x-engram-tenant': 'tenant-b' };
    const add = (user_id: string, meta: Record<string, string>) =>
      c.add(
        AddRequest.fromPartial({
          user_id,
          task_id: 'grpc-shared',
          memory_content: `${user_id} note`,
          async_mode: 'sync',
        }),
        meta,
      );
    await add('ana', A);
    const err = await c.taskStatus(GetTaskStatusRequest.fromPartial({ task_id: 'grpc-shared' }), B).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err?.code).toBe(status.NOT_FOUND);
    await add('bob', B);
    const mine = await c.taskStatus(GetTaskStatusRequest.fromPartial({ task_id: 'grpc-shared' }), B);
    expect(mine.tasks.map((t) => t.user_id)).toEqual(['bob']);
    const theirs = await c.taskStatus(GetTaskStatusRequest.fromPartial({ task_id: 'grpc-shared' }), A);
    expect(theirs.tasks.map((t) => [t.user_id, t.cube_ids])).toEqual([['ana', ['ana']]]);
  });
});
