import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { LIMITS, ValidationError, parseFilter } from '@engram/domain';
import { HashingEmbedder } from '@engram/embedding';
import { MemoryService, TaskTracker, type AddCommand, type SearchCommand } from '@engram/memory-core';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { startInternalServers } from '@engram/testing';
import { freePort } from '@engram/testing';
import { RemoteMemory } from './remote-memory';

const search = (query: string, over: Partial<SearchCommand> = {}): SearchCommand => ({
  tenant_id: 't',
  user_id: 'u',
  query,
  cube_ids: ['c'],
  top_k: 5,
  relativity: 0,
  dedup: 'no',
  filter: null,
  include_preference: false,
  pref_top_k: 0,
  search_tool_memory: false,
  tool_mem_top_k: 0,
  include_skill_memory: false,
  skill_mem_top_k: 0,
  ...over,
});

/** The gateway's remote memory against real ingestion and retrieval gRPC servers (embedded stores). */
describe('RemoteMemory over internal.proto', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let memory: MemoryService;
  let servers: INestMicroservice[];
  let remote: RemoteMemory;
  const embedder = new HashingEmbedder();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-remote-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    memory = new MemoryService({ ...stores, embedder, window: { maxTokens: 256, overlapTokens: 32 } });
    const ports = { ingestion: await freePort(), retrieval: await freePort() };
    servers = await startInternalServers(memory, ports);
    remote = new RemoteMemory(memory.tasks, {
      ingestion: `127.0.0.1:${ports.ingestion}`,
      retrieval: `127.0.0.1:${ports.retrieval}`,
    });
  });
  afterAll(async () => {
    remote.close();
    for (const s of servers) await s.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds through ingestion with the gateway-assigned ids, searches through retrieval with filters', async () => {
    const cmd = {
      tenant_id: 't',
      user_id: 'u',
      session_id: 's1',
      cube_ids: ['c'],
      messages: [{ role: 'user', content: 'I adopted a golden retriever named Biscuit.', message_id: 'm1' }],
      info: { app: 'demo' },
      mode: 'fast' as const,
      async_mode: 'sync' as const,
    };
    const r = await remote.add(cmd);
    expect(r).toMatchObject({ task_status: 'completed', replayed: false });
    expect(r.memories).toHaveLength(1);
    expect((await remote.add(cmd)).replayed).toBe(true); // idempotent across the hop

    const found = await remote.search(search('golden retriever'));
    const hit = found.buckets.find((b) => b.kind === 'text')!.memories[0]!;
    expect(hit.item).toEqual((await memory.getByIds('t', [r.memories[0]!.memory_id]))[0]);
    expect(hit.item.sources.map((s) => s.message_id)).toEqual(['m1']);

    const none = await remote.search(
      search('golden retriever', { filter: parseFilter({ 'info.app': 'other' }) }),
    );
    expect(none.buckets.flatMap((b) => b.memories)).toEqual([]);
    const some = await remote.search(
      search('golden retriever', { filter: new Map([['c', parseFilter({ session_id: 's1' })]]) }),
    );
    expect(some.buckets.flatMap((b) => b.memories)).toHaveLength(1);
  });

  it('a retried add after a delete stores nothing and names the refused ids across the hop', async () => {
    const cmd = {
      tenant_id: 't',
      user_id: 'u',
      session_id: 's-final',
      cube_ids: ['c'],
      messages: [{ role: 'user', content: 'My locker code is 4412.', message_id: 'final-1' }],
      idempotency_key: 'final-key',
      mode: 'fast' as const,
      async_mode: 'sync' as const,
    };
    const first = await remote.add(cmd);
    const ids = first.memories.map((m) => m.memory_id);
    await expect(remote.delete({ tenant_id: 't', kind: 'ids', ids })).resolves.toEqual(ids);
    const retried = await remote.add(cmd);
    expect(retried.memories).toEqual([]);
    expect(retried.refused_ids).toEqual(ids);
    expect(await memory.getByIds('t', ids)).toEqual([]);
  });

  it('bad input is a validation error: an add at the gateway, a blank query from the retrieval core', async () => {
    await expect(
      remote.add({
        tenant_id: 't',
        user_id: 'u',
        session_id: 's',
        cube_ids: ['c'],
        messages: [{ role: 'robot', content: 'x' }],
        mode: 'fast',
        async_mode: 'sync',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(remote.search(search('  '))).rejects.toThrow(new ValidationError('query must not be empty'));
  });

  it('gets, lists and deletes through retrieval and ingestion, as the local core would', async () => {
    const add = (content: string, session: string) =>
      remote.add({
        tenant_id: 't',
        user_id: 'u',
        session_id: session,
        cube_ids: ['reads'],
        messages: [{ role: 'user', content }],
        mode: 'fast',
        async_mode: 'sync',
      });
    const a = (await add('I live in Porto.', 'r1')).memories[0]!.memory_id;
    const b = (await add('I play the cello.', 'r2')).memories[0]!.memory_id;
    expect(await remote.getByIds('t', [b, 'nope', a])).toEqual(await memory.getByIds('t', [b, a]));
    expect(await remote.getByIds('other', [a])).toEqual([]);

    const listed = await remote.getMemories({
      tenant_id: 't',
      cube_ids: ['reads'],
      filter: parseFilter({ session_id: 'r1' }),
      page: 1,
      page_size: 5,
    });
    expect(listed).toEqual({ items: await memory.getByIds('t', [a]), total: 1 });

    await expect(remote.delete({ tenant_id: 't', kind: 'ids', ids: [a], cube_ids: [] })).resolves.toEqual([]);
    await expect(
      remote.delete({ tenant_id: 't', kind: 'ids', ids: [a], cube_ids: ['reads'] }),
    ).resolves.toEqual([a]);
    const byFilter = { tenant_id: 't', kind: 'filter' as const, filter: parseFilter({ session_id: 'r2' })! };
    await expect(remote.delete({ ...byFilter, cube_ids: ['reads'] })).resolves.toEqual([b]);
    expect((await remote.getMemories({ tenant_id: 't', cube_ids: ['reads'], filter: null })).total).toBe(0);
    // the ingestion service's INVALID_ARGUMENT is the gateway's 400
    await expect(remote.delete(byFilter)).rejects.toBeInstanceOf(ValidationError);
  });
});

/**
 * One add, two shapes: through RemoteMemory (the gateway normalises, the ingestion service writes the
 * normalised messages as they are) and through a local MemoryService (standalone). Same ids, task id and
 * stored items, byte for byte.
 */
describe('RemoteMemory add is the standalone add', () => {
  const embedder = new HashingEmbedder();
  const clock = () => new Date('2026-05-01T12:00:00.000Z');
  let dirs: string[];
  let remoteStores: EmbeddedStores;
  let localStores: EmbeddedStores;
  let remoteCore: MemoryService;
  let local: MemoryService;
  let servers: INestMicroservice[];
  let remote: RemoteMemory;

  beforeAll(async () => {
    dirs = [mkdtempSync(join(tmpdir(), 'engram-parity-r-')), mkdtempSync(join(tmpdir(), 'engram-parity-l-'))];
    remoteStores = await openEmbeddedStores({ dataDir: dirs[0]!, dimension: embedder.dimension });
    localStores = await openEmbeddedStores({ dataDir: dirs[1]!, dimension: embedder.dimension });
    const window = { maxTokens: 64, overlapTokens: 8 };
    remoteCore = new MemoryService({ ...remoteStores, embedder, window, clock });
    local = new MemoryService({ ...localStores, embedder, window, clock });
    const ports = { ingestion: await freePort(), retrieval: await freePort() };
    servers = await startInternalServers(remoteCore, ports);
    remote = new RemoteMemory(remoteCore.tasks, {
      ingestion: `127.0.0.1:${ports.ingestion}`,
      retrieval: `127.0.0.1:${ports.retrieval}`,
    });
  });
  afterAll(async () => {
    remote.close();
    for (const s of servers) await s.close();
    await remoteStores.close();
    await localStores.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const cases: [string, AddCommand][] = [
    [
      'text, images, files and chat_time, without message ids or idempotency key',
      {
        tenant_id: 't',
        user_id: 'u',
        session_id: 's',
        cube_ids: ['c1', 'c2'],
        messages: [
          {
            role: 'user',
            content: 'I adopted a golden retriever named Biscuit.',
            chat_time: '2026-04-30T09:15:00Z',
          },
          {
            role: 'user',
            chat_time: 1714467300,
            content: [
              { type: 'text', text: 'Here is Biscuit at the beach.' },
              { type: 'image_url', image_url: { url: 'https://example.com/biscuit.jpg', detail: 'high' } },
              { type: 'file', file: { filename: 'vet.txt', file_data: 'Biscuit: vaccinated in March.' } },
              { type: 'file', file: { file_id: 'file-123' } },
            ],
          },
          { role: 'assistant', content: 'What a lovely dog!' },
        ],
        custom_tags: ['pets'],
        info: { app: 'demo', nested: { n: 1, list: [1, 'two', null] } },
        mode: 'fast',
        async_mode: 'sync',
      },
    ],
    [
      'a plain string with an idempotency key and a task id',
      {
        tenant_id: 't',
        user_id: 'u',
        session_id: 's2',
        cube_ids: ['c1'],
        messages: 'I work as a carpenter in Porto.',
        idempotency_key: 'key-1',
        task_id: 'task-given',
        mode: 'fast',
        async_mode: 'async',
      },
    ],
  ];

  it.each(cases)('%s', async (_name, cmd) => {
    const viaRemote = await remote.add(cmd);
    const viaLocal = await local.add(cmd);
    expect(viaRemote).toEqual(viaLocal);
    const ids = viaLocal.memories.map((m) => m.memory_id);
    expect(ids.length).toBeGreaterThan(0);
    expect(await remoteCore.getByIds('t', ids)).toEqual(await local.getByIds('t', ids));
    expect((await remoteCore.getByIds('t', ids)).some((m) => m.sources.some((s) => s.chat_time))).toBe(
      typeof cmd.messages !== 'string',
    );
  });

  it('enforces the size limits on normalised messages at the ingestion service too', async () => {
    const big = 'x'.repeat(LIMITS.maxMessageChars + 1);
    const cmd: AddCommand = {
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c1'],
      messages: [],
      normalized_messages: [{ message_id: 'm', role: 'user', content: big, parts: [], index: 0 }],
      mode: 'fast',
      async_mode: 'sync',
    };
    await expect(remoteCore.add(cmd)).rejects.toThrow(/characters; the limit is/);
    const many = Array.from({ length: LIMITS.maxContentParts + 1 }, () => ({
      type: 'image_url' as const,
      url: 'https://example.com/a.png',
    }));
    await expect(
      remoteCore.add({
        ...cmd,
        normalized_messages: [{ message_id: 'm', role: 'user', content: 'hi', parts: many, index: 0 }],
      }),
    ).rejects.toThrow(/parts; the limit is/);
  });
});

/** grpc-js fails calls fast while it reconnects: the gateway retries within the call's deadline. */
describe('RemoteMemory retries', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let memory: MemoryService;
  const embedder = new HashingEmbedder();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-retry-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    memory = new MemoryService({ ...stores, embedder, window: { maxTokens: 256, overlapTokens: 32 } });
  });
  afterAll(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an add and a read made while the services are down succeed once they come up', async () => {
    const ports = { ingestion: await freePort(), retrieval: await freePort() };
    const remote = new RemoteMemory(new TaskTracker(), {
      ingestion: `127.0.0.1:${ports.ingestion}`,
      retrieval: `127.0.0.1:${ports.retrieval}`,
    });
    const added = remote.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['retry'],
      messages: [{ role: 'user', content: 'I moved to Berlin last spring.' }],
      mode: 'fast',
      async_mode: 'sync',
    });
    const listed = remote.getMemories({ tenant_id: 't', cube_ids: ['retry'], filter: null });
    await new Promise((r) => setTimeout(r, 400)); // the first attempts fail with UNAVAILABLE
    const servers = await startInternalServers(memory, ports);
    try {
      const r = await added;
      expect(r.memories).toHaveLength(1);
      expect((await listed).items.length).toBeLessThanOrEqual(1);
      expect(await remote.getByIds('t', [r.memories[0]!.memory_id])).toHaveLength(1);
    } finally {
      remote.close();
      for (const s of servers) await s.close();
    }
  });

  it('gives up at the deadline when nothing comes up, as a 5xx (not a validation error)', async () => {
    const port = await freePort();
    const remote = new RemoteMemory(
      new TaskTracker(),
      { ingestion: `127.0.0.1:${port}`, retrieval: `127.0.0.1:${port}` },
      { deadlineMs: 500, backoff: { baseMs: 100, maxMs: 100 } },
    );
    const started = Date.now();
    const err = await remote.getByIds('t', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^retrieval: /);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // it retried until the deadline was near
    expect(Date.now() - started).toBeLessThan(3_000);
    remote.close();
  });
});
