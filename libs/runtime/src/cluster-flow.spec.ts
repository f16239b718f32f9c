import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { HashingEmbedder } from '@engram/embedding';
import { MemoryService, TaskTracker, type WindowExtractor } from '@engram/memory-core';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { subscribeRawInput } from './mem-reader';
import { BusExtractionDispatcher } from './raw-input';
import { subscribeTasks } from './task-events';

/** Answers with one fact citing the first message of the windows. */
const extractor: WindowExtractor = {
  extract: async ({ windows }) => ({
    memories: [
      {
        memory: "The user's dog is named Biscuit.",
        key: 'dog name',
        memory_type: 'UserMemory',
        tags: ['pet'],
        valid_from: null,
        sources: [{ type: 'chat', message_id: windows[0]!.messages[0]!.message_id, role: 'user' }],
      },
    ],
    summary: 'pet',
    model: 'scripted',
    prompt_version: 'test',
  }),
};

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

  it('an async add is acknowledged waiting, extracted by the reader, completed in the scheduler', async () => {
    const gateway = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
    });
    const reader = new MemoryService({ ...stores, embedder, window, extractor });
    const scheduler = new TaskTracker();
    await subscribeTasks(bus, 'scheduler', scheduler);
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
    await until(() => scheduler.get(r.task_id)?.status === 'completed');
    expect(scheduler.get(r.task_id)).toMatchObject({ label: 'mem_read', cube_ids: ['a', 'b'] });
    await until(() => gateway.tasks.get(r.task_id)?.status === 'completed');

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
    const clustered = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
    });
    await expect(clustered.add({ ...cmd, mode: 'fine', async_mode: 'sync' })).rejects.toThrow(
      /async_mode=async/,
    );
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
    await until(() => scheduler.list().some((t) => t.status === 'completed'));
    const { items } = await rebooted.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(items.map((m) => m.memory)).toEqual(["The user's dog is named Biscuit."]);
  });
});
