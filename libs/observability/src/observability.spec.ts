import 'reflect-metadata';
import {
  Controller,
  Get,
  HttpException,
  type INestApplication,
  Logger,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { EngramMetrics, JsonLogger, MetricsModule, ShutdownState } from './index';

@Controller()
class ItemsController {
  private readonly log = new Logger('items');
  @Get('items/:id')
  async get(@Param('id') id: string) {
    await new Promise((r) => setTimeout(r, 5));
    this.log.log({ msg: 'fetched', item: id });
    return { id };
  }
  @Post('boom')
  boom() {
    throw new HttpException('kaput', 503);
  }
}

const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

describe('MetricsModule over HTTP', () => {
  let app: INestApplication;
  let lines: string[];
  let ready = true;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const bus = new InProcessMessageBus({
    partitions: 2,
    logger: { warn: () => undefined, error: () => undefined },
  });
  const metrics = new EngramMetrics({
    service: 'test',
    tasks: () => ({
      waiting: 1,
      in_progress: 0,
      completed: 3,
      failed: 1,
      cancelled: 0,
      pending: 1,
      total: 5,
    }),
    llmUsage: () => [{ tenant_id: 'acme', model: 'gpt-x', prompt_tokens: 120, completion_tokens: 30 }],
    busLag: () => bus.lag(),
  });

  beforeAll(async () => {
    lines = [];
    @Module({
      imports: [
        MetricsModule.forRoot({
          metrics,
          accessLog: 'log',
          probes: () => [
            { name: 'store', check: () => undefined },
            {
              name: 'flaky',
              check: async () => {
                if (!ready) throw new Error('store is away');
              },
            },
          ],
        }),
      ],
      controllers: [ItemsController],
    })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule, {
      logger: new JsonLogger({ service: 'test', write: (l) => void lines.push(l) }),
    });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    release();
    await bus.close();
  });

  const http = () => request(app.getHttpServer());

  it('serves Prometheus text with process metrics and the route-templated latency histogram', async () => {
    await http().get('/items/42').expect(200);
    await http().get('/items/43').expect(200);
    await http().get('/nothing/here').expect(404);
    const r = await http().get('/metrics').expect(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(r.text).toContain('process_cpu_user_seconds_total');
    expect(r.text).toContain('nodejs_eventloop_lag_seconds');
    expect(
      sample(r.text, 'engram_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/items/:id',
        status: '200',
        service: 'test',
      }),
    ).toBe(2);
    expect(
      sample(r.text, 'engram_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(r.text).not.toContain('/items/42');
  });

  it('counts 5xx responses as errors', async () => {
    await http().post('/boom').expect(503);
    const r = await http().get('/metrics').expect(200);
    expect(sample(r.text, 'engram_errors_total', { source: 'http' })).toBe(1);
    expect(
      sample(r.text, 'engram_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/boom',
        status: '503',
      }),
    ).toBe(1);
  });

  it('reads tasks, LLM tokens and bus lag from their callbacks at scrape time', async () => {
    await bus.publish('engram.raw-input.v1', [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    await bus.subscribe({
      topic: 'engram.raw-input.v1',
      groupId: 'slow',
      handler: () => held,
    });
    const r = await http().get('/metrics').expect(200);
    expect(sample(r.text, 'engram_tasks_total', { status: 'completed' })).toBe(3);
    expect(sample(r.text, 'engram_tasks_total', { status: 'waiting' })).toBe(1);
    expect(r.text).not.toMatch(/engram_tasks_total\{[^}]*status="total"/);
    expect(
      sample(r.text, 'engram_llm_tokens_total', { tenant: 'acme', model: 'gpt-x', kind: 'prompt' }),
    ).toBe(120);
    expect(
      sample(r.text, 'engram_llm_tokens_total', { tenant: 'acme', model: 'gpt-x', kind: 'completion' }),
    ).toBe(30);
    const lag = r.text
      .split('\n')
      .filter((l) => l.startsWith('engram_bus_consumer_lag{') && l.includes('group="slow"'));
    expect(lag.reduce((s, l) => s + Number(l.split(' ').pop()), 0)).toBe(2);
  });

  it('propagates x-request-id, generates one when missing or unsafe, and logs it as JSON', async () => {
    const given = await http().get('/items/7').set('x-request-id', 'req-abc.123').expect(200);
    expect(given.headers['x-request-id']).toBe('req-abc.123');
    const generated = await http().get('/items/8').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await http().get('/items/9').set('x-request-id', 'bad id\twith spaces').expect(200);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const fetched = parsed.find((l) => l.msg === 'fetched' && l.item === '7')!;
    expect(fetched).toMatchObject({
      level: 'info',
      service: 'test',
      context: 'items',
      request_id: 'req-abc.123',
    });
    const access = parsed.find((l) => l.msg === 'request' && l.request_id === 'req-abc.123')!;
    expect(access).toMatchObject({ context: 'http', method: 'GET', route: '/items/:id', status: 200 });
    expect(access.duration_ms).toEqual(expect.any(Number));
    expect(parsed.find((l) => l.item === '8')!.request_id).toBe(generated.headers['x-request-id']);
  });

  it('GET /ready: 200 when every probe passes, 503 naming the failed one, 503 while shutting down', async () => {
    const ok = await http().get('/ready').expect(200);
    expect(ok.body).toMatchObject({
      status: 'ready',
      checks: { store: { status: 'ok' }, flaky: { status: 'ok' } },
    });
    ready = false;
    const bad = await http().get('/ready').expect(503);
    expect(bad.body).toMatchObject({
      status: 'not_ready',
      checks: { flaky: { status: 'fail', error: 'store is away' } },
    });
    ready = true;
    app.get(ShutdownState).beforeApplicationShutdown();
    const closing = await http().get('/ready').expect(503);
    expect(closing.body).toMatchObject({ status: 'not_ready', shutting_down: true });
    app.get(ShutdownState).shuttingDown = false;
  });
});

describe('bus observer', () => {
  it('counts published, handled by outcome, and dead letters as errors', async () => {
    const metrics = new EngramMetrics({ defaultMetrics: false });
    const bus = new InProcessMessageBus({
      observer: metrics.busObserver(),
      logger: { warn: () => undefined, error: () => undefined },
    });
    let calls = 0;
    await bus.subscribe({
      topic: 't',
      groupId: 'g',
      retry: { maxAttempts: 2, initialBackoffMs: 1 },
      handler: async (m) => {
        calls++;
        if (m.value.toString() === 'bad') throw new Error('no');
      },
    });
    await bus.publish('t', [
      { key: 'k', value: 'good' },
      { key: 'k', value: 'bad' },
    ]);
    while (calls < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    const text = (await metrics.scrape()).body;
    expect(sample(text, 'engram_bus_published_messages_total', { topic: 't', result: 'ok' })).toBe(2);
    expect(sample(text, 'engram_bus_handled_total', { topic: 't', group: 'g', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'engram_bus_handled_total', { topic: 't', group: 'g', outcome: 'retry' })).toBe(1);
    expect(sample(text, 'engram_bus_handled_total', { topic: 't', group: 'g', outcome: 'dead-letter' })).toBe(
      1,
    );
    expect(sample(text, 'engram_errors_total', { source: 'bus' })).toBe(1);
    expect(sample(text, 'engram_bus_handler_duration_seconds_count', { topic: 't', group: 'g' })).toBe(3);
    await bus.close();
  });
});

describe('JsonLogger', () => {
  it('writes one JSON object per line, filters by level, and keeps Nest context and stacks', () => {
    const out: string[] = [];
    const log = new JsonLogger({
      service: 'svc',
      level: 'warn',
      write: (l) => void out.push(l),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    log.log('hidden', 'ctx');
    log.warn('careful', 'ctx');
    log.error('failed', 'Error: x\n    at f (a.ts:1:1)', 'http');
    log.error(new TypeError('typed'));
    log.setLogLevels(['log']);
    log.log({ msg: 'structured', n: 1 }, 'ctx');
    const parsed = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual([
      { time: '2026-01-01T00:00:00.000Z', level: 'warn', service: 'svc', context: 'ctx', msg: 'careful' },
      {
        time: '2026-01-01T00:00:00.000Z',
        level: 'error',
        service: 'svc',
        context: 'http',
        msg: 'failed',
        stack: 'Error: x\n    at f (a.ts:1:1)',
      },
      expect.objectContaining({
        level: 'error',
        msg: 'typed',
        error: expect.objectContaining({ name: 'TypeError' }),
      }),
      {
        time: '2026-01-01T00:00:00.000Z',
        level: 'info',
        service: 'svc',
        context: 'ctx',
        msg: 'structured',
        n: 1,
      },
    ]);
    expect(log.isLevelEnabled('log')).toBe(true);
    expect(log.isLevelEnabled('warn')).toBe(false);
  });
});
