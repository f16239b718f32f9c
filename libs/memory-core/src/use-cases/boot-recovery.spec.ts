import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashingEmbedder } from '@engram/embedding';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import type { AddCommand, SearchCommand } from '../commands';
import type { ExtractionDispatcher, ExtractionJob } from '../extraction-dispatch';
import type { WindowExtraction, WindowExtractor } from '../fine-pipeline';
import { MemoryService, type MemoryServiceDeps } from '../memory-service';

class OneFactExtractor implements WindowExtractor {
  calls = 0;
  async extract(): Promise<WindowExtraction> {
    this.calls++;
    return {
      memories: [
        {
          memory: 'The user keeps bees on the roof.',
          key: 'bees',
          memory_type: 'UserMemory',
          tags: [],
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

const search = (svc: MemoryService, query: string) =>
  svc.search({
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
  } satisfies SearchCommand);

describe('MemoryService.recover (boot recovery, the same in every shape that owns stores)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const embedder = new HashingEmbedder();
  const core = (over: Partial<MemoryServiceDeps> = {}) =>
    new MemoryService({ ...stores, embedder, window: { maxTokens: 64, overlapTokens: 0 }, ...over });
  const add: AddCommand = {
    tenant_id: 't',
    user_id: 'u',
    session_id: 's',
    cube_ids: ['c'],
    messages: [{ role: 'user', content: 'The user keeps bees on the roof.', message_id: 'm1' }],
    mode: 'fast',
    async_mode: 'async',
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-recover-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A crash between the record write and the index writes: the record is pending, the indexes miss it. */
  const halfIndex = async (id: string) => {
    await stores.lexical.delete([id]);
    await stores.vectors.delete([id]);
    const [item] = await stores.records.getByIds([id]);
    await stores.records.upsert([item!]);
  };

  it('finishes a half-indexed write: the memory is searchable again', async () => {
    const before = core();
    const id = (await before.add({ ...add, async_mode: 'sync' })).memories[0]!.memory_id;
    await halfIndex(id);
    const rebooted = core();
    expect((await search(rebooted, 'bees roof')).buckets[0]!.memories).toHaveLength(0);
    expect(await rebooted.recover()).toEqual({ reindexed: 1, resumed: 0 });
    expect((await search(rebooted, 'bees roof')).buckets[0]!.memories[0]!.item.id).toBe(id);
    expect(await rebooted.recover()).toEqual({ reindexed: 0, resumed: 0 });
  });

  it('with a local extractor, extracts raw memories a crash left pending', async () => {
    let published!: () => void;
    const publishing = new Promise<void>((r) => (published = r));
    // the publish never resolves: as if the process died then, leaving the raw memory pending
    const dispatcher: ExtractionDispatcher = {
      dispatch: () => {
        published();
        return new Promise(() => undefined);
      },
    };
    void core({ dispatcher }).add(add);
    await publishing;
    const ex = new OneFactExtractor();
    const rebooted = core({ extractor: ex });
    expect(await rebooted.recover()).toEqual({ reindexed: 0, resumed: 1 });
    await rebooted.drain();
    expect(ex.calls).toBe(1);
    const { items } = await rebooted.getMemories({ tenant_id: 't', cube_ids: ['c'], filter: null });
    expect(items.map((m) => m.memory_type)).toEqual(['UserMemory']);
  });

  it('with a dispatcher, republishes them (outbox relay); the mem-reader can leave them to it', async () => {
    const jobs: ExtractionJob[] = [];
    const publishing = core({
      dispatcher: {
        dispatch: async (job) => {
          jobs.push(job);
          throw new Error('kafka unavailable');
        },
      },
    });
    const failed = await publishing.add(add).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    await publishing.drain(); // its background relay dies with it
    const id = jobs[0]!.raw[0]!.memory_id;

    const reader = core({ extractor: new OneFactExtractor() });
    expect(await reader.recover({ resumeExtractions: false })).toEqual({ reindexed: 0, resumed: 0 });

    const republished: ExtractionJob[] = [];
    const rebooted = core({ dispatcher: { dispatch: async (job) => void republished.push(job) } });
    expect(await rebooted.recover()).toEqual({ reindexed: 0, resumed: 1 });
    await rebooted.drain();
    expect(republished.map((j) => [j.task_id, j.raw])).toEqual([
      [jobs[0]!.task_id, [{ memory_id: id, cube_id: 'c' }]],
    ]);
    expect(rebooted.tasks.get('t', jobs[0]!.task_id)).toMatchObject({ label: 'mem_read', status: 'waiting' });
  });

  it('without fine mode, pending raw memories are left as they are', async () => {
    const before = core({ dispatcher: { dispatch: () => Promise.reject(new Error('down')) } });
    await before.add(add).catch(() => undefined);
    await before.drain();
    expect(await core().recover()).toEqual({ reindexed: 0, resumed: 0 });
  });
});
