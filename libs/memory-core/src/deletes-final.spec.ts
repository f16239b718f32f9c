import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingEmbedder } from '@engram/embedding';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import { addMessage, type AddCommand } from './commands';
import type { WindowExtraction, WindowExtractor } from './fine-pipeline';
import { MemoryService } from './memory-service';

/** Answers every window with the same fine memory; `gate` holds an extraction until released. */
class ScriptedExtractor implements WindowExtractor {
  calls = 0;
  gate: Promise<void> = Promise.resolve();
  async extract(): Promise<WindowExtraction> {
    this.calls++;
    await this.gate;
    return {
      memories: [
        {
          memory: 'The user keeps a tortoise named Quillon.',
          key: 'tortoise',
          memory_type: 'UserMemory',
          tags: ['pet'],
          valid_from: null,
          sources: [{ type: 'chat', message_id: 'm1', role: 'user' }],
        },
      ],
      summary: '',
      model: 'fake',
      prompt_version: 'v1',
    };
  }
}

const turns = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: `Turn ${i} is about the tortoise Quillon and his favourite lettuce number ${i}.`,
    message_id: `m${i}`,
  }));

describe('deletes are final (memory core over the embedded stores)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const embedder = new HashingEmbedder();
  const service = (extractor?: WindowExtractor) =>
    new MemoryService({
      ...stores,
      embedder,
      window: { maxTokens: 48, overlapTokens: 0 },
      ...(extractor ? { extractor } : {}),
    });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-final-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const add = (svc: MemoryService, messages: unknown, over: Partial<AddCommand> = {}) =>
    svc.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages,
      mode: 'fast',
      async_mode: 'sync',
      ...over,
    });
  const del = (svc: MemoryService, ids: string[]) => svc.delete({ tenant_id: 't', kind: 'ids', ids });
  const stored = async () =>
    (await stores.records.list({ tenant_id: 't', cube_ids: ['c'], statuses: ['activated', 'archived'] }))
      .items;

  it('a retry with the same Idempotency-Key after a delete stores nothing and says so', async () => {
    const svc = service();
    const first = await add(svc, turns(2), { idempotency_key: 'k1' });
    const ids = first.memories.map((m) => m.memory_id);
    expect(ids.length).toBeGreaterThan(0);
    expect(await del(svc, ids)).toEqual(ids);
    const retry = await add(svc, turns(2), { idempotency_key: 'k1' });
    expect(retry.memories).toEqual([]);
    expect(retry.refused_ids).toEqual(ids);
    expect(retry.replayed).toBe(false);
    expect(addMessage(retry)).toMatch(/^Nothing stored: .*deleted/);
    expect(await stored()).toEqual([]);
    expect(await stores.lexical.count()).toBe(0);
    expect(await stores.vectors.count({ tenant_id: 't', cube_ids: ['c'] })).toBe(0);
    expect(await stores.graph.count()).toBe(0);
  });

  it('a retry of the same content (no key) after a delete stores nothing', async () => {
    const svc = service();
    const first = await add(svc, 'My tortoise Quillon eats dandelions.');
    const ids = first.memories.map((m) => m.memory_id);
    await del(svc, ids);
    const retry = await add(svc, 'My tortoise Quillon eats dandelions.');
    expect(retry.memories).toEqual([]);
    expect(retry.refused_ids).toEqual(ids);
    expect(await svc.getByIds('t', ids)).toEqual([]);
  });

  it('a new Idempotency-Key stores the same content again, under new ids', async () => {
    const svc = service();
    const first = await add(svc, 'My tortoise Quillon eats dandelions.');
    await del(
      svc,
      first.memories.map((m) => m.memory_id),
    );
    const again = await add(svc, 'My tortoise Quillon eats dandelions.', { idempotency_key: 'fresh-key' });
    expect(again.refused_ids).toBeUndefined();
    expect(addMessage(again)).toBe('Memory added successfully');
    expect(again.memories).toHaveLength(1);
    expect(again.memories[0]!.memory_id).not.toBe(first.memories[0]!.memory_id);
    expect((await stored()).map((m) => m.memory)).toEqual([first.memories[0]!.memory]);
  });

  it('a partly deleted add stores only the rest, and the chain skips the deleted windows', async () => {
    const svc = service();
    const first = await add(svc, turns(6), { idempotency_key: 'k2' });
    const w = first.memories.map((m) => m.memory_id);
    expect(w.length).toBeGreaterThanOrEqual(3);
    // the key's later windows come with more messages: positions 0..n-1 are the same ids
    await del(svc, w.slice(1));
    const more = await add(svc, turns(12), { idempotency_key: 'k2' });
    expect(more.refused_ids).toEqual(w.slice(1));
    const back = more.memories.map((m) => m.memory_id);
    expect(back[0]).toBe(w[0]);
    expect(back.filter((id) => w.includes(id))).toEqual([w[0]]);
    expect(back.length).toBeGreaterThan(1);
    expect(addMessage(more)).toMatch(/^Memory added successfully; \d+ memories were deleted since/);
    const items = await svc.getByIds('t', back);
    // the first new window follows the surviving one, not a deleted id
    expect(items[1]!.preceding_id).toBe(w[0]);
    const follows = await stores.graph.neighbors([w[0]!], ['FOLLOWS']);
    expect(follows.map((e) => [e.from, e.to])).toEqual([[w[0], items[1]!.id]]);
  });

  it('deleting a window relinks its successor in the record store and the graph', async () => {
    const svc = service();
    const w = (await add(svc, turns(8))).memories.map((m) => m.memory_id);
    expect(w.length).toBeGreaterThanOrEqual(4);
    await del(svc, [w[1]!, w[2]!]);
    const [next] = await svc.getByIds('t', [w[3]!]);
    expect(next!.preceding_id).toBe(w[0]);
    const edges = (await stores.graph.neighbors([w[0]!, w[3]!], ['FOLLOWS'])).map((e) => [e.from, e.to]);
    expect(edges).toEqual(expect.arrayContaining([[w[0], w[3]]]));
    expect(edges.flat()).not.toContain(w[1]);
    expect(edges.flat()).not.toContain(w[2]);
    expect(await stores.records.listPendingIndex(10)).toEqual([]);
    // head of the chain
    await del(svc, [w[0]!]);
    expect((await svc.getByIds('t', [w[3]!]))[0]!.preceding_id).toBeNull();
  });

  it('a redelivered extraction cannot bring back deleted fine memories', async () => {
    const ex = new ScriptedExtractor();
    const svc = service(ex);
    const r = await add(svc, turns(1), { mode: 'fine' });
    const fine = r.memories.map((m) => m.memory_id);
    const rawIds = (await stored()).filter((m) => m.is_fast).map((m) => m.id);
    expect(fine).toHaveLength(1);
    // as if the first run crashed after storing the fine memory, before the raw window retired
    const [raw] = await stores.records.getByIds(rawIds);
    await stores.records.upsert([{ ...raw!, status: 'activated', tags: [...raw!.tags, 'extract:pending'] }]);
    await del(svc, fine);
    const again = await svc.extractDispatched({
      tenant_id: 't',
      task_id: r.task_id,
      user_id: 'u',
      cube_ids: ['c'],
      raw_ids: rawIds,
      custom_tags: [],
    });
    expect(ex.calls).toBe(2);
    expect(await svc.getByIds('t', fine)).toEqual([]);
    expect(again.fine.map((m) => m.id)).toEqual(fine); // what the pipeline produced, not what was stored
    expect(
      await stores.lexical.search({ tenant_id: 't', cube_ids: ['c'] }, 'Quillon lettuce tortoise', 10),
    ).not.toEqual(expect.arrayContaining([expect.objectContaining({ id: fine[0] })]));
  });

  it('a raw window deleted while its extraction runs stays deleted, and nothing derived from it is stored', async () => {
    const ex = new ScriptedExtractor();
    let release!: () => void;
    ex.gate = new Promise((r) => (release = r));
    const svc = service(ex);
    const r = await add(svc, turns(1), { mode: 'fine', async_mode: 'async' });
    const raw = r.memories.map((m) => m.memory_id);
    while (ex.calls === 0) await new Promise((res) => setTimeout(res, 5));
    expect(await del(svc, raw)).toEqual(raw);
    release();
    await svc.drain();
    expect(await stored()).toEqual([]);
    expect(await stores.lexical.count()).toBe(0);
    expect(await stores.graph.count()).toBe(0);
    expect((await stores.records.tombstones(raw)).map((t) => t.id)).toEqual(raw);
  });

  it('a crash-recovery reindex does not bring a deleted memory back', async () => {
    const svc = service();
    const ids = (await add(svc, 'Quillon hides under the porch.')).memories.map((m) => m.memory_id);
    await del(svc, ids);
    expect(await svc.indexer.reindexPending()).toBe(0);
    expect(await svc.indexer.reindexAll()).toBe(0);
    expect(await stores.lexical.count()).toBe(0);
    expect(await stored()).toEqual([]);
  });
});
