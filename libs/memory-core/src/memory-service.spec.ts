import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingEmbedder } from '@engram/embedding';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import type { SearchCommand } from './commands';
import { MemoryService } from './memory-service';

const searchCmd = (query: string, over: Partial<SearchCommand> = {}): SearchCommand => ({
  tenant_id: 't',
  user_id: 'u',
  query,
  cube_ids: ['c'],
  top_k: 5,
  relativity: 0,
  dedup: 'no',
  filter: null,
  include_preference: true,
  pref_top_k: 6,
  search_tool_memory: true,
  tool_mem_top_k: 6,
  include_skill_memory: true,
  skill_mem_top_k: 3,
  ...over,
});

describe('MemoryService (embedded stores, hashing embedder)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let svc: MemoryService;
  const embedder = new HashingEmbedder();
  const open = async () => {
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
    svc = new MemoryService({ ...stores, embedder, window: { maxTokens: 64, overlapTokens: 16 } });
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-core-'));
    await open();
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (content: string | object[], over: object = {}) =>
    svc.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: content,
      mode: 'fast',
      async_mode: 'sync',
      ...over,
    });

  it('windows a long conversation, cites every message and links windows in order', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `Turn ${i} talks about subject number ${i}.`,
      message_id: `m${i}`,
    }));
    const r = await add(messages);
    expect(r.memories.length).toBeGreaterThan(2);
    const items = await svc.getByIds(
      't',
      r.memories.map((m) => m.memory_id),
    );
    const cited = new Set(items.flatMap((i) => i.sources.map((s) => s.message_id)));
    expect(cited.size).toBe(12);
    for (let i = 1; i < items.length; i++) expect(items[i]!.preceding_id).toBe(items[i - 1]!.id);
    const edges = await stores.graph.neighbors([items[1]!.id], ['FOLLOWS']);
    expect(edges.map((e) => [e.from, e.to])).toEqual(expect.arrayContaining([[items[0]!.id, items[1]!.id]]));
  });

  it('concurrent adds to one cube all land, each exactly once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => add(`Concurrent fact ${i} about kiwis.`)),
    );
    const ids = results.flatMap((r) => r.memories.map((m) => m.memory_id));
    expect(new Set(ids).size).toBe(20);
    // retry them all concurrently: nothing new
    const again = await Promise.all(
      Array.from({ length: 20 }, (_, i) => add(`Concurrent fact ${i} about kiwis.`)),
    );
    expect(again.every((r) => r.replayed)).toBe(true);
    expect((await svc.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null })).total).toBe(20);
  });

  it('tenants and cubes are isolated', async () => {
    await add('Secret of tenant t about pineapples.');
    await svc.add({
      tenant_id: 'other',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: 'Other tenant pineapples.',
      mode: 'fast',
      async_mode: 'sync',
    });
    const r = await svc.search(searchCmd('pineapples'));
    const all = r.buckets.flatMap((b) => b.memories.map((m) => m.item.tenant_id));
    expect(all).toEqual(['t']);
  });

  it('finishes indexing interrupted by a crash (pending items) at the next boot', async () => {
    const r = await add('The user keeps bees on the roof.');
    const id = r.memories[0]!.memory_id;
    // simulate a crash between the record write and the index writes
    await stores.lexical.delete([id]);
    await stores.vectors.delete([id]);
    const [item] = await stores.records.getByIds([id]);
    await stores.records.upsert([item!]); // marks pending again
    expect((await svc.search(searchCmd('bees roof'))).buckets[0]!.memories).toHaveLength(0);
    expect(await svc.indexer.reindexPending()).toBe(1);
    expect((await svc.search(searchCmd('bees roof'))).buckets[0]!.memories[0]!.item.id).toBe(id);
  });

  it('reindexAll rebuilds the derived indexes to the same search results', async () => {
    for (const t of [
      'The user likes sailing in Greece.',
      'The user hates cold weather.',
      'The user learns the violin.',
    ])
      await add(t);
    const before = (await svc.search(searchCmd('sailing violin'))).buckets[0]!.memories.map((m) => [
      m.item.id,
      m.relativity.toFixed(6),
    ]);
    await stores.lexical.clear();
    await stores.vectors.clear();
    expect((await svc.search(searchCmd('sailing violin'))).buckets[0]!.memories).toHaveLength(0);
    expect(await svc.indexer.reindexAll()).toBe(3);
    const after = (await svc.search(searchCmd('sailing violin'))).buckets[0]!.memories.map((m) => [
      m.item.id,
      m.relativity.toFixed(6),
    ]);
    expect(after).toEqual(before);
  });

  it('delete removes from every index', async () => {
    const r = await add('The user drives a red tractor.');
    const id = r.memories[0]!.memory_id;
    await svc.delete({ tenant_id: 't', kind: 'ids', ids: [id] });
    expect(await stores.records.getByIds([id])).toHaveLength(0);
    expect((await stores.vectors.getVectors([id])).size).toBe(0);
    expect(await stores.lexical.search({ tenant_id: 't', cube_ids: ['c'] }, 'tractor', 5)).toHaveLength(0);
  });

  it('image and file parts become their own cited memories', async () => {
    const r = await add([
      {
        role: 'user',
        message_id: 'img',
        content: [
          { type: 'text', text: 'my lunch' },
          { type: 'image_url', image_url: { url: 'http://x/mango.png' } },
        ],
      },
      {
        role: 'user',
        message_id: 'doc',
        content: [
          { type: 'file', file: { filename: 'notes.md', file_data: '# Plan\nVisit Kyoto in April.' } },
        ],
      },
    ]);
    const items = await svc.getByIds(
      't',
      r.memories.map((m) => m.memory_id),
    );
    const img = items.find((i) => i.tags.includes('multimodal:image'))!;
    expect(img.memory).toContain('mango.png');
    expect(img.sources[0]!.message_id).toBe('img');
    const file = items.find((i) => i.tags.includes('multimodal:file'))!;
    expect(file.memory).toContain('Kyoto');
    expect(file.sources[0]!.doc_path).toBe('notes.md');
  });
});
