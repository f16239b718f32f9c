import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { decodeEvent, TOPICS } from '@engram/contracts';
import { HashingEmbedder } from '@engram/embedding';
import {
  MemoryService,
  TaskTracker,
  type MemoryServiceDeps,
  type WindowExtractor,
} from '@engram/memory-core';
import { scriptedExtractor } from '@engram/testing';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { subscribeRawInput } from './raw-input-consumer';
import { BusExtractionDispatcher } from './raw-input-dispatcher';
import { publishTask, subscribeTasks } from '@engram/scheduler';

/** Answers with one fact citing the first message of the windows. */
const extractor = scriptedExtractor();

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * The cluster write path with the services' wiring in one process: the gateway's memory service
 * dispatches over the bus, the mem-reader's extracts, the scheduler's tracker folds task events.
 */
describe('gateway → raw-input → mem-reader → task events (in-process bus, embedded stores)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let bus: InProcessMessageBus;
  const embedder = new HashingEmbedder();
  const window = { maxTokens: 256, overlapTokens: 32 };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-runtime-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    bus = new InProcessMessageBus();
  });
  afterEach(async () => {
    await bus.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The gateway's (or ingestion's) memory core: fine extraction goes out on the bus. */
  const dispatching = (extra: Partial<MemoryServiceDeps> = {}) =>
    new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
      ...extra,
    });
  /** A scheduler's task view, folded from task events. */
  const schedulerView = async () => {
    const tasks = new TaskTracker();
    await subscribeTasks(bus, 'scheduler', tasks);
    return tasks;
  };

  it('an async add is acknowledged waiting, extracted by the reader, completed in the scheduler', async () => {
    const gateway = dispatching();
    const reader = new MemoryService({ ...stores, embedder, window, extractor });
    const scheduler = await schedulerView();
    await subscribeTasks(bus, 'gateway-tasks', gateway.tasks);
    await subscribeRawInput(bus, 'mem-reader', reader);

    const r = await gateway.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['a', 'b'],
      messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
      mode: 'fast',
      async_mode: 'async',
    });
    // acknowledged before extraction finishes (the in-process reader may already have started)
    expect(['waiting', 'in_progress']).toContain(r.task_status);
    await until(() => scheduler.get('t', r.task_id)?.status === 'completed');
    expect(scheduler.get('t', r.task_id)).toMatchObject({ label: 'mem_read', cube_ids: ['a', 'b'] });
    await until(() => gateway.tasks.get('t', r.task_id)?.status === 'completed');

    const { items } = await gateway.getMemories({ tenant_id: 't', cube_ids: ['a', 'b'], filter: null });
    expect(items.map((m) => [m.cube_id, m.memory]).sort()).toEqual([
      ['a', "The user's dog is named Biscuit."],
      ['b', "The user's dog is named Biscuit."],
    ]);
  });

  it('without a dispatcher or extractor, sync fine is refused and async stays fast', async () => {
    const fast = new MemoryService({ ...stores, embedder, window });
    const cmd = { tenant_id: 't', user_id: 'u', session_id: 's', cube_ids: ['c'], messages: 'hello there' };
    await expect(fast.add({ ...cmd, mode: 'fine', async_mode: 'sync' })).rejects.toThrow(/needs an LLM/);
    expect((await fast.add({ ...cmd, mode: 'fast', async_mode: 'async' })).task_status).toBe('completed');
    const clustered = dispatching();
    await expect(clustered.add({ ...cmd, mode: 'fine', async_mode: 'sync' })).rejects.toThrow(
      /async_mode=async/,
    );
  });

  const add = {
    tenant_id: 't',
    user_id: 'u',
    session_id: 's',
    messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
  };

  it('sync fine through the bus waits for the mem-reader and answers with the fine memories', async () => {
    const gateway = dispatching({ syncFineTimeoutMs: 10_000 });
    await subscribeTasks(bus, 'gateway-tasks', gateway.tasks);
    await subscribeRawInput(bus, 'mem-reader', new MemoryService({ ...stores, embedder, window, extractor }));
    const r = await gateway.add({ ...add, cube_ids: ['a', 'b'], mode: 'fine', async_mode: 'sync' });
    expect(r.task_status).toBe('completed');
    expect(r.memories.map((m) => [m.cube_id, m.memory_type, m.memory]).sort()).toEqual([
      ['a', 'UserMemory', "The user's dog is named Biscuit."],
      ['b', 'UserMemory', "The user's dog is named Biscuit."],
    ]);
  });

  it('sync fine past its deadline answers with the accepted raw memories, still waiting', async () => {
    const gateway = dispatching({ syncFineTimeoutMs: 200 });
    await subscribeTasks(bus, 'gateway-tasks', gateway.tasks);
    // no mem-reader running
    const r = await gateway.add({ ...add, cube_ids: ['c'], mode: 'fine', async_mode: 'sync' });
    expect(r.task_status).toBe('waiting');
    expect(r.memories).toHaveLength(1);
    expect((await gateway.getByIds('t', [r.memories[0]!.memory_id]))[0]!.tags).toContain('extract:pending');
  });

  it('a failing extraction is retried by the bus, then reported completed with its attempts', async () => {
    let calls = 0;
    const flaky: WindowExtractor = {
      extract: async (input) => {
        if (++calls < 3) throw new Error('llm unavailable');
        return extractor.extract(input);
      },
    };
    const gateway = dispatching();
    const scheduler = await schedulerView();
    const retry = { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 50, multiplier: 2 };
    await subscribeRawInput(
      bus,
      'mem-reader',
      new MemoryService({ ...stores, embedder, window, extractor: flaky }),
      retry,
    );
    const r = await gateway.add({ ...add, cube_ids: ['c'], mode: 'fast', async_mode: 'async' });
    await until(() => scheduler.get('t', r.task_id)?.status === 'completed');
    const done = scheduler.get('t', r.task_id)!;
    expect(done.error).toBeUndefined();
    expect(done.detail).toMatchObject({ c: { attempts: 3, fine: 1 } });
  });

  it('an extraction failing every attempt is reported failed and its input dead-lettered', async () => {
    const broken: WindowExtractor = { extract: async () => Promise.reject(new Error('llm unavailable')) };
    const gateway = dispatching();
    const scheduler = await schedulerView();
    const dead: string[] = [];
    await bus.subscribe({
      topic: TOPICS.deadLetter,
      groupId: 'dlq-inspector',
      fromBeginning: true,
      handler: async (m) => {
        dead.push(decodeEvent(TOPICS.deadLetter, m.value).source_topic);
      },
    });
    const retry = { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50, multiplier: 2 };
    await subscribeRawInput(
      bus,
      'mem-reader',
      new MemoryService({ ...stores, embedder, window, extractor: broken }),
      retry,
    );
    const r = await gateway.add({ ...add, cube_ids: ['c'], mode: 'fast', async_mode: 'async' });
    await until(() => scheduler.get('t', r.task_id)?.status === 'failed');
    expect(scheduler.get('t', r.task_id)!.error).toMatch(/llm unavailable/);
    await until(() => dead.length > 0);
    expect(dead).toEqual([TOPICS.rawInput]);
    // the raw memory is kept, searchable and still pending for a later replay
    const raw = await gateway.getByIds('t', [r.memories[0]!.memory_id]);
    expect(raw[0]).toMatchObject({ status: 'activated' });
  });

  it('raw memories deleted before extraction ran make the task cancelled', async () => {
    const gateway = dispatching();
    const scheduler = await schedulerView();
    const r = await gateway.add({ ...add, cube_ids: ['c'], mode: 'fast', async_mode: 'async' });
    await gateway.delete({ tenant_id: 't', kind: 'ids', ids: r.memories.map((m) => m.memory_id) });
    await subscribeRawInput(bus, 'mem-reader', new MemoryService({ ...stores, embedder, window, extractor }));
    await until(() => scheduler.get('t', r.task_id)?.status === 'cancelled');
    expect(scheduler.get('t', r.task_id)!.detail).toMatchObject({
      c: { reason: expect.stringMatching(/deleted/) },
    });
  });

  it('fast adds are announced as completed tasks, so the scheduler knows every task', async () => {
    const ingestion = new MemoryService({
      ...stores,
      embedder,
      window,
      announceTask: (t) => publishTask(bus, t),
    });
    const scheduler = await schedulerView();
    const r = await ingestion.add({ ...add, cube_ids: ['c'], mode: 'fast', async_mode: 'sync' });
    await until(() => scheduler.get('t', r.task_id)?.status === 'completed');
    expect(scheduler.get('t', r.task_id)).toMatchObject({ label: 'add', user_id: 'u', cube_ids: ['c'] });
  });
});

describe('outbox: raw memories written pending are published again after a failed publish', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let bus: InProcessMessageBus;
  const embedder = new HashingEmbedder();
  const window = { maxTokens: 256, overlapTokens: 32 };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-outbox-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    bus = new InProcessMessageBus();
  });
  afterEach(async () => {
    await bus.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the add fails when the bus does; the relay at the next boot gets the memories extracted', async () => {
    const down = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: { dispatch: async () => Promise.reject(new Error('kafka unreachable')) },
    });
    const cmd = {
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
      mode: 'fast' as const,
      async_mode: 'async' as const,
    };
    await expect(down.add(cmd)).rejects.toThrow('kafka unreachable');
    await down.drain(); // a process that dies here: its background relay never runs
    // written pending (searchable), never acknowledged
    expect(
      (await down.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null })).items[0]!.tags,
    ).toContain('extract:pending');

    const reader = new MemoryService({ ...stores, embedder, window, extractor });
    await subscribeRawInput(bus, 'mem-reader', reader);
    const scheduler = new TaskTracker();
    await subscribeTasks(bus, 'scheduler', scheduler);
    const rebooted = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
    });
    expect(await rebooted.resumePendingExtractions()).toBe(1);
    await rebooted.drain();
    await until(() => scheduler.list('t').some((t) => t.status === 'completed'));
    const { items } = await rebooted.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(items.map((m) => m.memory)).toEqual(["The user's dog is named Biscuit."]);
  });

  it('a failed publish is retried in the background, without the caller retrying the add', async () => {
    const real = new BusExtractionDispatcher(bus);
    let failures = 2;
    const gateway = new MemoryService({
      ...stores,
      embedder,
      window,
      relay: { initialBackoffMs: 10, maxBackoffMs: 20 },
      dispatcher: {
        dispatch: async (job) =>
          failures-- > 0 ? Promise.reject(new Error('kafka unreachable')) : real.dispatch(job),
      },
    });
    const scheduler = new TaskTracker();
    await subscribeTasks(bus, 'scheduler', scheduler);
    await subscribeRawInput(bus, 'mem-reader', new MemoryService({ ...stores, embedder, window, extractor }));
    await expect(
      gateway.add({
        tenant_id: 't',
        user_id: 'u',
        session_id: 's',
        cube_ids: ['c'],
        messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
        mode: 'fast',
        async_mode: 'async',
      }),
    ).rejects.toThrow('kafka unreachable');
    await until(() => scheduler.list('t').some((t) => t.status === 'completed'));
    const { items } = await gateway.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(items.map((m) => m.memory)).toEqual(["The user's dog is named Biscuit."]);
    await gateway.drain();
  });
});
