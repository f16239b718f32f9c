import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { TaskTracker } from '@engram/memory-core';
import { SchedulerModule } from '../gateway.module';

/** MemOS `/product/scheduler/*` over a tracker (as the cluster's scheduler service serves them). */
describe('scheduler routes', () => {
  let app: INestApplication;
  const tasks = new TaskTracker();
  const task = (
    task_id: string,
    user_id: string,
    cube: string,
    status: 'waiting' | 'in_progress' | 'completed',
  ) => tasks.upsert({ task_id, tenant_id: 't', user_id, cube_ids: [cube], label: 'mem_read', status });

  beforeAll(async () => {
    app = await NestFactory.create(SchedulerModule.register({ tasks }), { logger: false });
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
});
