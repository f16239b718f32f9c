import type { Server } from 'node:http';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { TOPICS } from '@engram/contracts';
import { SchedulerModule } from '@engram/api-rest';
import { TaskTracker } from '@engram/memory-core';
import type { ConsumerLag } from '@engram/ports';
import request from 'supertest';
import {
  createServiceApp,
  createServiceMetrics,
  loadServiceConfig,
  ServiceLifecycle,
} from '@engram/platform';
import { publishTask, subscribeTasks } from '@engram/scheduler';

const ENV = {
  ENGRAM_LOG_LEVEL: 'error',
  // addresses are validated, not dialled, by createServiceApp
  ENGRAM_OPENSEARCH_URL: 'http://127.0.0.1:9',
  ENGRAM_MILVUS_ADDRESS: '127.0.0.1:9',
  ENGRAM_NEO4J_URI: 'bolt://127.0.0.1:9',
  ENGRAM_KAFKA_BROKERS: '127.0.0.1:9',
};

/** Samples of a metric whose labels include the given ones, from Prometheus text. */
const samples = (text: string, name: string, labels: Record<string, string> = {}): number[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .map((l) => Number(l.split(' ').pop()));

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const task = (task_id: string, status: 'waiting' | 'completed') => ({
  task_id,
  tenant_id: 'default',
  user_id: 'u1',
  cube_ids: ['u1'],
  label: 'mem_read',
  status,
});

describe('service metrics (scheduler over the in-process bus)', () => {
  it('/metrics has consumer lag per group, task counts, bus counters and route-labelled latency', async () => {
    const cfg = loadServiceConfig('scheduler', ENV);
    const metrics = createServiceMetrics(cfg);
    const bus = new InProcessMessageBus({ observer: metrics.busObserver(), partitions: 2 });
    const tasks = new TaskTracker();
    metrics.watch({ bus, tasks: () => tasks.totals() });
    const lc = new ServiceLifecycle('scheduler');
    const app = await createServiceApp(
      cfg,
      lc,
      [SchedulerModule.register({ tasks, defaultTenant: cfg.defaultTenant })],
      { health: true, describe: () => ({}) },
      metrics,
    );
    await app.init();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    try {
      const sub = await subscribeTasks(bus, 'engram.scheduler.test', tasks);
      // a group stuck on its first message: everything it was sent stays as lag
      const stuck = await bus.subscribe({
        topic: TOPICS.taskEvents,
        groupId: 'engram.stuck',
        handler: () => gate,
      });
      await publishTask(bus, task('t1', 'waiting'));
      await publishTask(bus, task('t1', 'completed'));
      await publishTask(bus, task('t2', 'waiting'));
      await until(
        () => tasks.summary('default').total === 2 && tasks.get('default', 't1')?.status === 'completed',
      );

      const http = request(app.getHttpServer() as Server);
      await http.get('/product/scheduler/allstatus').expect(200);
      const m = (await http.get('/metrics').expect(200)).text;

      const lag = { topic: TOPICS.taskEvents };
      expect(
        samples(m, 'engram_bus_consumer_lag', { ...lag, group: 'engram.scheduler.test' }).length,
      ).toBeGreaterThan(0);
      expect(sum(samples(m, 'engram_bus_consumer_lag', { ...lag, group: 'engram.scheduler.test' }))).toBe(0);
      expect(sum(samples(m, 'engram_bus_consumer_lag', { ...lag, group: 'engram.stuck' }))).toBe(3);
      expect(samples(m, 'engram_tasks_total', { status: 'completed' })).toEqual([1]);
      expect(samples(m, 'engram_tasks_total', { status: 'waiting' })).toEqual([1]);
      expect(samples(m, 'engram_bus_published_messages_total', { ...lag, result: 'ok' })).toEqual([3]);
      expect(
        samples(m, 'engram_bus_handled_total', { ...lag, group: 'engram.scheduler.test', outcome: 'ok' }),
      ).toEqual([3]);
      expect(
        samples(m, 'engram_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/product/scheduler/allstatus',
          status: '200',
          service: 'scheduler',
        }),
      ).toEqual([1]);
      release();
      await Promise.all([sub.close(), stuck.close()]);
    } finally {
      release();
      await app.close();
      await bus.close();
    }
  });

  it('a failing bus lag and a throwing task source do not break /metrics', async () => {
    const cfg = loadServiceConfig('gateway', ENV);
    let lagCalls = 0;
    let fail = false;
    const metrics = createServiceMetrics(cfg).watch({
      bus: {
        lag: async () => {
          lagCalls++;
          if (fail) throw new Error('broker away');
          return [lagRow(7)];
        },
      },
      tasks: () => {
        if (fail) throw new Error('tracker broken');
        return { completed: 2 };
      },
    });
    const app = await createServiceApp(
      cfg,
      new ServiceLifecycle('gateway'),
      [],
      { health: true, describe: () => ({}) },
      metrics,
    );
    await app.init();
    try {
      const http = request(app.getHttpServer() as Server);
      const first = (await http.get('/metrics').expect(200)).text;
      expect(samples(first, 'engram_bus_consumer_lag', { group: 'g' })).toEqual([7]);
      fail = true;
      const second = (await http.get('/metrics').expect(200)).text;
      // last known values are kept; the lag was served from the cache, not re-read
      expect(samples(second, 'engram_bus_consumer_lag', { group: 'g' })).toEqual([7]);
      expect(samples(second, 'engram_tasks_total', { status: 'completed' })).toEqual([2]);
      expect(lagCalls).toBe(1);
    } finally {
      await app.close();
    }
  });
});

function lagRow(lag: number): ConsumerLag {
  return { groupId: 'g', topic: 't', partition: 0, committedOffset: '0', endOffset: String(lag), lag };
}
