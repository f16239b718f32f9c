import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { TaskTracker } from '@engram/memory-core';
import { SchedulerModule } from './scheduler.module';

/** MemOS `/product/scheduler/*` over a tracker (as the cluster's scheduler service serves them). */
describe('scheduler routes', () => {
  let app: INestApplication;
  const tasks = new TaskTracker();
  const task = (
    task_id: string,
    user_id: string,
    cube: string,
    status: 'waiting' | 'in_progress' | 'completed',
    tenant_id = 't',
  ) => tasks.upsert({ task_id, tenant_id, user_id, cube_ids: [cube], label: 'mem_read', status });

  beforeAll(async () => {
    app = await NestFactory.create(SchedulerModule.register({ tasks, defaultTenant: 't' }), {
      logger: false,
    });
    await app.init();
  });
  afterAll(() => app.close());

  it('task_queue_status: running tasks are pending, waiting ones remaining, per user', async () => {
    task('a1', 'ana', 'ana', 'in_progress');
    task('a2', 'ana', 'work', 'waiting');
    task('a3', 'ana', 'ana', 'completed');
    task('b1', 'bob', 'bob', 'waiting');
    const r = await request(app.getHttpServer())
      .get('/product/scheduler/task_queue_status?user_id=ana')
      .expect(200);
    expect(r.body.data).toMatchObject({
      user_id: 'ana',
      users_count: 2,
      pending_tasks_count: 1,
      remaining_tasks_count: 1,
      stream_keys: ['ana:ana:mem_read', 'ana:work:mem_read'],
    });
    expect(r.body.data.pending_tasks_detail.map((t: { task_id: string }) => t.task_id)).toEqual(['a1']);
    expect(r.body.data.remaining_tasks_detail.map((t: { task_id: string }) => t.task_id)).toEqual(['a2']);
    await request(app.getHttpServer()).get('/product/scheduler/task_queue_status').expect(400);
  });

  it('wait/stream sends progress until the cube is idle, then idle', async () => {
    task('s1', 'sam', 'sam', 'in_progress');
    setTimeout(() => task('s1', 'sam', 'sam', 'completed'), 150);
    const r = await request(app.getHttpServer())
      .get('/product/scheduler/wait/stream?user_name=sam&timeout_seconds=5&poll_interval=0.05')
      .expect(200)
      .expect('content-type', /text\/event-stream/);
    const events = r.text
      .trim()
      .split('\n\n')
      .map((block) => block.split('\n')[0]!.replace('event: ', ''));
    expect(events[0]).toBe('progress');
    expect(events.at(-1)).toBe('idle');
    expect(JSON.parse(r.text.trim().split('\n').at(-1)!.replace('data: ', ''))).toMatchObject({
      pending: 0,
      completed: 1,
    });
  });

  it('wait/stream ends with timeout when work is still running, and refuses bad parameters', async () => {
    task('t1', 'tim', 'tim', 'waiting');
    const r = await request(app.getHttpServer())
      .get('/product/scheduler/wait/stream?user_name=tim&timeout_seconds=0.2&poll_interval=0.05')
      .expect(200);
    expect(r.text).toMatch(/event: timeout\ndata: \{[^\n]*"waiting":1/);
    await request(app.getHttpServer()).get('/product/scheduler/wait/stream?poll_interval=0').expect(400);
    await request(app.getHttpServer()).post('/product/scheduler/wait?timeout_seconds=-1').expect(400);
  });

  describe('tenancy: a request sees only the tasks of its tenant (x-engram-tenant)', () => {
    const beta = { 'x-engram-tenant': 'beta' };
    beforeAll(() => {
      task('alpha-task', 'ana', 'ana', 'in_progress', 'alpha');
      task('alpha-2', 'al', 'al', 'waiting', 'alpha');
      task('beta-task', 'ana', 'ana', 'completed', 'beta');
    });

    it("status by another tenant's task id is 404; by user it lists the caller's tasks only", async () => {
      const http = request(app.getHttpServer());
      await http.get('/product/scheduler/status?task_id=alpha-task').set(beta).expect(404);
      const mine = await http.get('/product/scheduler/status?user_id=ana').set(beta).expect(200);
      expect(mine.body.data).toEqual([{ task_id: 'beta-task', status: 'completed' }]);
      const theirs = await http
        .get('/product/scheduler/status?task_id=alpha-task')
        .set('x-engram-tenant', 'alpha')
        .expect(200);
      expect(theirs.body.data).toEqual([{ task_id: 'alpha-task', status: 'in_progress' }]);
      await http
        .get('/product/scheduler/status?task_id=alpha-task')
        .set('x-engram-tenant', 'no spaces')
        .expect(400);
    });

    it("allstatus, task_queue_status and users_count count the caller's tenant only", async () => {
      const http = request(app.getHttpServer());
      const all = await http.get('/product/scheduler/allstatus').set(beta).expect(200);
      expect(all.body.data.all_tasks_summary).toEqual({
        waiting: 0,
        in_progress: 0,
        pending: 0,
        completed: 1,
        failed: 0,
        cancelled: 0,
        total: 1,
      });
      const q = await http.get('/product/scheduler/task_queue_status?user_id=ana').set(beta).expect(200);
      expect(q.body.data).toMatchObject({
        users_count: 1,
        pending_tasks_count: 0,
        remaining_tasks_count: 0,
        stream_keys: [],
      });
      const a = await http
        .get('/product/scheduler/task_queue_status?user_id=ana')
        .set('x-engram-tenant', 'alpha')
        .expect(200);
      expect(a.body.data).toMatchObject({ users_count: 2, pending_tasks_count: 1 });
    });

    it('wait is idle for a tenant whose own tasks are done, however busy another tenant is', async () => {
      const http = request(app.getHttpServer());
      const w = await http
        .post('/product/scheduler/wait?user_name=ana&timeout_seconds=5')
        .set(beta)
        .expect(200);
      expect(w.body).toMatchObject({ message: 'idle', data: { pending: 0, completed: 1 } });
      const s = await http
        .get('/product/scheduler/wait/stream?user_name=ana&timeout_seconds=5&poll_interval=0.05')
        .set(beta)
        .expect(200);
      expect(s.text).toMatch(/^event: idle\n/);
    });
  });

  describe('query parameters: what the OpenAPI document says is what the routes accept', () => {
    it('an empty number is the default; an empty required user_id is a 400 that names it', async () => {
      const http = request(app.getHttpServer());
      const idle = { 'x-engram-tenant': 'idle' }; // a tenant with no tasks: the waits answer at once
      const r = await http
        .get('/product/scheduler/wait/stream?timeout_seconds=&poll_interval=')
        .set(idle)
        .expect(200);
      expect(r.text).toMatch(/^event: idle\n/);
      const w = await http.post('/product/scheduler/wait?user_name=&timeout_seconds=').set(idle).expect(200);
      expect(w.body.message).toBe('idle');
      const q = await http.get('/product/scheduler/task_queue_status?user_id=').expect(400);
      expect(q.body.message).toMatch(/user_id is required/);
    });

    it('refuses numbers out of bounds, non-decimal numbers, repeated and over-long ids, naming the field', async () => {
      const http = request(app.getHttpServer());
      for (const q of [
        'timeout_seconds=3601',
        'timeout_seconds=0x10',
        'timeout_seconds=Infinity',
        'poll_interval=0.01',
      ]) {
        const r = await http.get(`/product/scheduler/wait/stream?${q}`).expect(400);
        expect(r.body.message).toContain(q.split('=')[0]);
      }
      const twice = await http.get('/product/scheduler/status?task_id=a&task_id=b').expect(400);
      expect(twice.body.message).toMatch(/task_id must be given once/);
      const long = await http
        .get(`/product/scheduler/task_queue_status?user_id=${'u'.repeat(257)}`)
        .expect(400);
      expect(long.body.message).toMatch(/user_id must be at most 256/);
      const emoji = encodeURIComponent('😀'.repeat(256)); // 256 characters as the document counts them
      await http.get(`/product/scheduler/task_queue_status?user_id=${emoji}`).expect(200);
      await http.post('/product/scheduler/wait?timeout_seconds=1e-3').expect(200);
    });

    it('documents every query parameter with its type, bounds, default and required-ness', () => {
      const doc: OpenAPIObject = SwaggerModule.createDocument(app, {
        openapi: '3.0.0',
        info: { title: 't', version: '1' },
      });
      const params = (path: string, method: 'get' | 'post') =>
        Object.fromEntries(
          (
            doc.paths[path]![method]!.parameters as {
              name: string;
              in: string;
              required: boolean;
              schema: unknown;
            }[]
          ).map((p) => [`${p.in}:${p.name}`, { required: p.required, schema: p.schema }]),
        );
      const id = { type: 'string', maxLength: 256 };
      const timeout = {
        required: false,
        schema: { type: 'number', minimum: 0, maximum: 3600, default: 120 },
      };
      expect(params('/product/scheduler/status', 'get')).toEqual({
        'query:user_id': { required: false, schema: id },
        'query:task_id': { required: false, schema: id },
      });
      expect(params('/product/scheduler/task_queue_status', 'get')).toEqual({
        'query:user_id': { required: true, schema: { ...id, minLength: 1 } },
      });
      expect(params('/product/scheduler/wait', 'post')).toEqual({
        'query:user_name': { required: false, schema: id },
        'query:timeout_seconds': timeout,
      });
      expect(params('/product/scheduler/wait/stream', 'get')).toEqual({
        'query:user_name': { required: false, schema: id },
        'query:timeout_seconds': timeout,
        'query:poll_interval': {
          required: false,
          schema: { type: 'number', minimum: 0.05, maximum: 60, default: 0.5 },
        },
      });
      expect(doc.paths['/product/scheduler/allstatus']!.get!.parameters ?? []).toEqual([]);
      expect(Object.keys(doc.paths['/product/scheduler/status']!.get!.responses)).toEqual([
        '200',
        '400',
        '404',
      ]);
      // the stream answers server-sent events, not the JSON envelope
      const stream = doc.paths['/product/scheduler/wait/stream']!.get!.responses['200'] as {
        content?: object;
      };
      expect(Object.keys(stream.content ?? {})).toEqual(['text/event-stream']);
    });
  });
});
