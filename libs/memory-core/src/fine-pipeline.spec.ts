import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingEmbedder } from '@engram/embedding';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import type { WindowExtraction, WindowExtractor } from './fine-pipeline';
import { MemoryService } from './memory-service';

/** A scripted extractor: the LLM path itself is tested with the fake OpenAI server in libs/extraction. */
class ScriptedExtractor implements WindowExtractor {
  calls = 0;
  constructor(private readonly answer: (windowsText: string) => WindowExtraction | Error) {}
  async extract(input: Parameters<WindowExtractor['extract']>[0]): Promise<WindowExtraction> {
    this.calls++;
    const a = this.answer(input.windows.map((w) => w.text).join('\n'));
    if (a instanceof Error) throw a;
    return a;
  }
}

const fact = (memory: string, ids: string[]) => ({
  memory,
  key: memory.slice(0, 20),
  memory_type: 'UserMemory' as const,
  tags: ['pet'],
  valid_from: '2026-05-01T00:00:00.000Z',
  sources: ids.map((id) => ({ type: 'chat' as const, message_id: id, role: 'user' })),
});

describe('fine mode: raw → fine lifecycle', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const embedder = new HashingEmbedder();
  const make = (extractor: WindowExtractor) =>
    new MemoryService({ ...stores, embedder, extractor, window: { maxTokens: 256, overlapTokens: 32 } });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-fine-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const msgs = [
    {
      role: 'user',
      content: 'I got a puppy called Biscuit yesterday.',
      message_id: 'm1',
      chat_time: '2026-05-02T10:00:00Z',
    },
    { role: 'assistant', content: 'How lovely!', message_id: 'm2' },
  ];
  const search = (svc: MemoryService, q: string) =>
    svc.search({
      tenant_id: 't',
      user_id: 'u',
      query: q,
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
    });
  const add = (svc: MemoryService, async_mode: 'sync' | 'async', mode: 'fast' | 'fine' = 'fine') =>
    svc.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: msgs,
      mode,
      async_mode,
    });

  it('sync fine returns the fine memories; the raw window retires only after they are stored', async () => {
    const svc = make(
      new ScriptedExtractor(() => ({
        memories: [fact('The user got a puppy named Biscuit on 2026-05-01.', ['m1'])],
        summary: 'pets',
        model: 'fake',
        prompt_version: 'v1',
      })),
    );
    const r = await add(svc, 'sync');
    expect(r.memories).toHaveLength(1);
    expect(r.memories[0]!.memory).toContain('Biscuit on 2026-05-01');
    const [fine] = await svc.getByIds('t', [r.memories[0]!.memory_id]);
    expect(fine!.provenance).toMatchObject({
      mode: 'fine',
      extractor: { model: 'fake', prompt_version: 'v1' },
    });
    expect(fine!.sources.map((s) => s.message_id)).toEqual(['m1']);
    const hits = (await search(svc, 'puppy Biscuit')).buckets[0]!.memories;
    expect(hits.map((h) => h.item.id)).toEqual([fine!.id]); // the raw window is no longer searchable
    const raw = (await svc.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null })).items;
    expect(raw.map((m) => m.id)).toEqual([fine!.id]); // normal reads show current memories only
    const edges = await stores.graph.neighbors([fine!.id], ['DERIVED_FROM']);
    const [rawItem] = await stores.records.getByIds([edges[0]!.to]);
    expect(rawItem).toMatchObject({ status: 'archived', evolve_to: [fine!.id], supersede_reason: 'extract' });
  });

  it('extraction that yields nothing keeps the raw memory searchable and says why', async () => {
    const svc = make(
      new ScriptedExtractor(() => ({ memories: [], summary: '', model: 'fake', prompt_version: 'v1' })),
    );
    const r = await add(svc, 'sync');
    expect(r.memories[0]!.memory).toContain('puppy');
    const hits = (await search(svc, 'puppy Biscuit')).buckets[0]!.memories;
    expect(hits).toHaveLength(1);
    expect(hits[0]!.item.tags).toContain('extract:empty');
    expect(svc.tasks.get('t', r.task_id)).toMatchObject({
      status: 'completed',
      detail: { fine: 0, reason: expect.stringMatching(/no memories/) },
    });
  });

  it('a failing extraction fails the task cleanly and keeps the raw memory', async () => {
    const svc = make(new ScriptedExtractor(() => new Error('model returned malformed JSON')));
    const r = await add(svc, 'async');
    expect(r.task_status).toBe('waiting');
    await svc.drain();
    expect(svc.tasks.get('t', r.task_id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/malformed JSON/),
    });
    const hits = (await search(svc, 'puppy Biscuit')).buckets[0]!.memories;
    expect(hits[0]!.item.tags).toContain('extract:failed');
    expect(hits[0]!.item.status).toBe('activated');
  });

  it('async add is searchable at once (raw), then replaced by fine memories', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ex = new ScriptedExtractor(() => ({
      memories: [fact('The user has a puppy named Biscuit.', ['m1'])],
      summary: '',
      model: 'fake',
      prompt_version: 'v1',
    }));
    const slow: WindowExtractor = { extract: async (i) => (await gate, ex.extract(i)) };
    const svc = make(slow);
    const r = await add(svc, 'async');
    expect((await search(svc, 'puppy')).buckets[0]!.memories[0]!.item.is_fast).toBe(true);
    expect(await svc.tasks.waitIdle('t', { cube_id: 'c' }, 10)).toBe('timeout');
    release();
    await svc.drain();
    expect(svc.tasks.get('t', r.task_id)!.status).toBe('completed');
    const hits = (await search(svc, 'puppy')).buckets[0]!.memories;
    expect(hits.map((h) => h.item.is_fast)).toEqual([false]);
  });

  it('resumes extractions left pending by a crash', async () => {
    const failing = make(new ScriptedExtractor(() => new Error('crash stand-in')));
    // write the raw memories as an async add would, but never run the extraction
    const r = await failing.add({
      tenant_id: 't',
      user_id: 'u',
      session_id: 's',
      cube_ids: ['c'],
      messages: msgs,
      mode: 'fast',
      async_mode: 'sync',
    });
    const [raw] = await stores.records.getByIds([r.memories[0]!.memory_id]);
    await stores.records.upsert([{ ...raw!, tags: [...raw!.tags, 'extract:pending'] }]);
    await stores.records.markIndexed([raw!.id]);
    const ex = new ScriptedExtractor(() => ({
      memories: [fact('The user has a puppy named Biscuit.', ['m1'])],
      summary: '',
      model: 'fake',
      prompt_version: 'v1',
    }));
    const svc = make(ex);
    expect(await svc.resumePendingExtractions()).toBe(1);
    await svc.drain();
    expect(ex.calls).toBe(1);
    expect((await search(svc, 'puppy')).buckets[0]!.memories.map((h) => h.item.is_fast)).toEqual([false]);
  });

  it('without an extractor, fine mode is refused and async adds stay fast', async () => {
    const svc = new MemoryService({ ...stores, embedder, window: { maxTokens: 256, overlapTokens: 32 } });
    await expect(add(svc, 'sync', 'fine')).rejects.toThrow(/LLM/);
    const r = await add(svc, 'async', 'fast');
    expect(r.task_status).toBe('completed');
  });
});
