import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { InProcessMessageBus } from '@engram/bus-inprocess';
import { HashingEmbedder } from '@engram/embedding';
import { MemoryService, TaskTracker } from '@engram/memory-core';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { freePort, scriptedExtractor } from '@engram/testing';
import { startInternalServers } from '@engram/testing';
import { subscribeRawInput } from './raw-input-consumer';
import { BusExtractionDispatcher } from './raw-input-dispatcher';
import { RemoteMemory } from '@engram/memory-client';
import { subscribeTasks } from '@engram/scheduler';

const extractor = scriptedExtractor();

/**
 * Sync fine in the cluster wiring: the gateway's RemoteMemory ingests over gRPC (async), the
 * mem-reader extracts from the bus, and the gateway answers once its tracker (fed by task events)
 * sees the task complete, with the fine memories read back through the retrieval service.
 */
describe('RemoteMemory: async_mode=sync + mode=fine waits for the mem-reader', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let bus: InProcessMessageBus;
  let servers: INestMicroservice[];
  let remote: RemoteMemory;
  const embedder = new HashingEmbedder();
  const window = { maxTokens: 256, overlapTokens: 32 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-sync-fine-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    bus = new InProcessMessageBus();
    const ingestion = new MemoryService({
      ...stores,
      embedder,
      window,
      dispatcher: new BusExtractionDispatcher(bus),
    });
    await subscribeRawInput(bus, 'mem-reader', new MemoryService({ ...stores, embedder, window, extractor }));
    const ports = { ingestion: await freePort(), retrieval: await freePort() };
    servers = await startInternalServers(ingestion, ports);
    const tasks = new TaskTracker();
    await subscribeTasks(bus, 'gateway-tasks', tasks);
    remote = new RemoteMemory(
      tasks,
      { ingestion: `127.0.0.1:${ports.ingestion}`, retrieval: `127.0.0.1:${ports.retrieval}` },
      { syncFineTimeoutMs: 10_000 },
    );
  });
  afterAll(async () => {
    remote.close();
    for (const s of servers) await s.close();
    await bus.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the fine memories and a completed task', async () => {
    const r = await remote.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: [{ role: 'user', content: 'I adopted a dog named Biscuit.', message_id: 'm1' }],
      mode: 'fine',
      async_mode: 'sync',
    });
    expect(r.task_status).toBe('completed');
    expect(r.memories).toEqual([
      expect.objectContaining({
        memory: "The user's dog is named Biscuit.",
        memory_type: 'UserMemory',
        cube_id: 'c',
      }),
    ]);
    // the raw window retired behind it
    const listed = await remote.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(listed.items.map((m) => m.memory)).toEqual(["The user's dog is named Biscuit."]);
  });
});
