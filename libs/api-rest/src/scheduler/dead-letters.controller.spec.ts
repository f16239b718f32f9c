import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { encodeEvent, TOPICS, type RawInputEvent } from '@engram/contracts';
import { TaskTracker } from '@engram/memory-core';
import { deadLetterMessage } from '@engram/bus';
import type { BusMessage } from '@engram/ports';
import {
  DeadLetterReplayer,
  DeadLetterView,
  REPLAY_HEADERS,
  subscribeDeadLetters,
  subscribeTasks,
} from '@engram/scheduler';
import { DeadLetterModule } from './scheduler.module';

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const rawInput: RawInputEvent = {
  schema_version: 1,
  event_id: 'raw-1',
  tenant_id: 't',
  occurred_at: '2026-05-02T09:00:00.000Z',
  cube_id: 'c',
  user_id: 'u',
  session_id: 's',
  task_id: 'task-1',
  ingest_key: 'k',
  mode: 'fast',
  messages: [{ message_id: 'm1', role: 'user', content: 'hi', parts: [], index: 0 }],
  custom_tags: [],
  info: {},
  raw_memory_ids: ['r1'],
};

/** `/product/scheduler/dead_letters` as the scheduler service serves them, over the in-process bus. */
describe('dead-letter routes', () => {
  let app: INestApplication;
  let bus: InProcessMessageBus;
  const view = new DeadLetterView();
  const tasks = new TaskTracker();
  const republished: BusMessage[] = [];

  const deadLetter = async (topic: string, offset: string, value: string, key: string, at: string) => {
    const source = { topic, partition: 0, offset, key, value: Buffer.from(value), headers: {}, timestamp: 0 };
    await bus.publish(TOPICS.deadLetter, [
      deadLetterMessage(source, 'g', new Error('llm down'), 4, new Date(at)),
    ]);
  };

  beforeAll(async () => {
    bus = new InProcessMessageBus();
    await subscribeDeadLetters(bus, 'scheduler.dlq', view);
    await subscribeTasks(bus, 'scheduler', tasks);
    await bus.subscribe({
      topic: TOPICS.rawInput,
      groupId: 'probe',
      fromBeginning: true,
      handler: async (m) => void republished.push(m),
    });
    const raw = encodeEvent(TOPICS.rawInput, rawInput);
    await deadLetter(TOPICS.rawInput, '5', raw.value, raw.key, '2026-05-02T09:00:00.000Z');
    await deadLetter('other.v1', '9', 'opaque', 'k2', '2026-05-02T10:00:00.000Z');
    await until(() => view.size === 2);
    app = await NestFactory.create(
      DeadLetterModule.register({ deadLetters: new DeadLetterReplayer(bus, view) }),
      {
        logger: false,
      },
    );
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
  });

  it('lists dead letters newest first, filtered by source topic, with the raw-input task', async () => {
    const all = await request(app.getHttpServer()).get('/product/scheduler/dead_letters').expect(200);
    expect(all.body.data.total).toBe(2);
    expect(all.body.data.items.map((d: { source_topic: string }) => d.source_topic)).toEqual([
      'other.v1',
      TOPICS.rawInput,
    ]);
    const raw = await request(app.getHttpServer())
      .get(`/product/scheduler/dead_letters?source_topic=${TOPICS.rawInput}&limit=1`)
      .expect(200);
    expect(raw.body.data.items).toEqual([
      {
        id: expect.stringMatching(/^engram\.dead-letter\.v1\/\d+\/\d+$/),
        source_topic: TOPICS.rawInput,
        source_partition: 0,
        source_offset: '5',
        source_key: 't:c',
        consumer_group: 'g',
        error: 'Error: llm down',
        attempts: 4,
        dead_lettered_at: '2026-05-02T09:00:00.000Z',
        tenant_id: 't',
        raw_input: { tenant_id: 't', task_id: 'task-1', cube_id: 'c', user_id: 'u' },
      },
    ]);
    await request(app.getHttpServer()).get('/product/scheduler/dead_letters?limit=0').expect(400);
    await request(app.getHttpServer()).get('/product/scheduler/dead_letters?limit=x').expect(400);
  });

  it('refuses a replay naming nothing or with bad fields (400, with the reason)', async () => {
    const post = (body: unknown) =>
      request(app.getHttpServer())
        .post('/product/scheduler/dead_letters/replay')
        .send(body as object);
    const none = await post({}).expect(400);
    expect(none.body).toMatchObject({
      code: 400,
      message: expect.stringMatching(/give ids .* or source_topic/),
    });
    await post({ ids: [] }).expect(400);
    expect((await post({ ids: 'x' }).expect(400)).body.message).toMatch(/ids must be a list/);
    expect((await post({ source_topic: 3 }).expect(400)).body.message).toMatch(/source_topic/);
    await post([1]).expect(400);
  });

  it('replays the original key and value with a waiting task event, then reports it skipped', async () => {
    const post = (body: object) =>
      request(app.getHttpServer()).post('/product/scheduler/dead_letters/replay').send(body);
    const r = await post({ source_topic: TOPICS.rawInput }).expect(200);
    expect(r.body.data).toMatchObject({
      replayed: [{ source_topic: TOPICS.rawInput, source_offset: '5', replay: 1, task_id: 'task-1' }],
      skipped: [],
      failed: [],
    });
    await until(() => republished.length === 1 && tasks.get('t', 'task-1') !== undefined);
    const [m] = republished;
    expect(m!.key).toBe('t:c');
    expect(m!.value.toString()).toBe(encodeEvent(TOPICS.rawInput, rawInput).value);
    expect(m!.headers).toMatchObject({
      [REPLAY_HEADERS.count]: '1',
      [REPLAY_HEADERS.of]: r.body.data.replayed[0].id,
    });
    expect(tasks.get('t', 'task-1')).toMatchObject({ status: 'waiting', cube_ids: ['c'] });

    const again = await post({ ids: [r.body.data.replayed[0].id] }).expect(200);
    expect(again.body.data).toEqual({
      replayed: [],
      skipped: [{ id: r.body.data.replayed[0].id, reason: 'already_replayed' }],
      failed: [],
    });
    const listed = await request(app.getHttpServer())
      .get(`/product/scheduler/dead_letters?source_topic=${TOPICS.rawInput}`)
      .expect(200);
    expect(listed.body.data.items[0].replayed_at).toEqual(expect.any(String));
  });
});
