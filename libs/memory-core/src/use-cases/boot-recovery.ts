import { deterministicId, type MemoryItem } from '@engram/domain';
import type { MemoryRecordStore } from '@engram/ports';
import { TAG_EXTRACT_PENDING } from '../fine-pipeline';
import type { Indexer } from '../indexer';
import type { TaskTracker } from '../task-tracker';
import type { ExtractionStrategy } from './extraction-strategy';

/** What a boot recovery repaired. */
export interface RecoveryReport {
  /** Memories whose write a crash interrupted between the record store and the indexes, now indexed. */
  reindexed: number;
  /** Raw memories left pending extraction, handed back to it (extracted here or republished). */
  resumed: number;
}

/**
 * Boot recovery, the same in every shape that owns stores: finish half-indexed writes, then send raw
 * memories still pending extraction back the way an async add goes (background extraction, or the
 * outbox relay to the mem-reader).
 */
export class BootRecovery {
  constructor(
    private readonly deps: {
      records: MemoryRecordStore;
      indexer: Indexer;
      tasks: TaskTracker;
      /** The async strategy: resumed work goes where an async add's would. */
      extraction: ExtractionStrategy;
    },
  ) {}

  /**
   * `resumeExtractions: false` where pending extraction belongs to another process's relay (the
   * mem-reader: the ingestion service republishes, and the reader's events follow it).
   */
  async run(opts: { resumeExtractions?: boolean } = {}): Promise<RecoveryReport> {
    const reindexed = await this.deps.indexer.reindexPending();
    const resumed = opts.resumeExtractions === false ? 0 : await this.resumePendingExtractions();
    return { reindexed, resumed };
  }

  /** Raw memories still tagged pending, per task, to the extraction strategy. Returns how many. */
  async resumePendingExtractions(): Promise<number> {
    const { extraction } = this.deps;
    if (!extraction.resume) return 0;
    const byTask = new Map<string, MemoryItem[]>();
    for await (const page of this.deps.records.iterateAll(500)) {
      for (const m of page) {
        if (m.status !== 'activated' || !m.tags.includes(TAG_EXTRACT_PENDING)) continue;
        const key = `${m.tenant_id}\u0000${m.provenance.task_id ?? m.provenance.ingest_key}`;
        byTask.set(key, [...(byTask.get(key) ?? []), m]);
      }
    }
    for (const items of byTask.values()) {
      const first = items[0]!;
      const taskId =
        first.provenance.task_id ?? deterministicId(first.tenant_id, 'task', first.provenance.ingest_key);
      const cubeIds = [...new Set(items.map((i) => i.cube_id))];
      this.deps.tasks.upsert({
        task_id: taskId,
        tenant_id: first.tenant_id,
        user_id: first.user_id,
        cube_ids: cubeIds,
        label: 'mem_read',
        status: 'waiting',
      });
      // the add's custom tags (system tags hold a ':')
      extraction.resume({ taskId, items, cubeIds, customTags: first.tags.filter((t) => !t.includes(':')) });
    }
    return [...byTask.values()].reduce((n, v) => n + v.length, 0);
  }
}
