import type { MemoryItem } from '@engram/domain';
import type { MemoryRecordStore } from '@engram/ports';
import { TAG_EXTRACT_FAILED, TAG_EXTRACT_PENDING, type FinePipeline } from '../fine-pipeline';
import type { KeyedMutex } from '../keyed-mutex';
import type { TaskRecord, TaskTracker } from '../task-tracker';

/** How one extraction ended: its fine memories and the task state it left (this run's, not a later one's). */
export interface ExtractionOutcome {
  fine: MemoryItem[];
  status: 'completed' | 'failed' | 'cancelled';
  error?: string;
  detail: Record<string, unknown>;
}

/** The raw memories of one task to extract (an add's, a dispatched job's, or a crash's leftovers). */
export interface ExtractionTarget {
  tenant_id: string;
  task_id: string;
  user_id: string;
  cube_ids: string[];
  raw_ids: string[];
  custom_tags: string[];
}

function outcome(rec: TaskRecord, fine: MemoryItem[]): ExtractionOutcome {
  return {
    fine,
    status: rec.status === 'failed' || rec.status === 'cancelled' ? rec.status : 'completed',
    ...(rec.status === 'failed' && rec.error ? { error: rec.error } : {}),
    detail: rec.detail ?? {},
  };
}

/**
 * Runs fine extraction with the local extractor for raw memories still pending, per cube in order (one
 * cube's extractions never interleave with its writes: same cube locks as the fast write). The
 * `mem_read` task reports the outcome; a failure keeps the raw memories and is not thrown.
 */
export class FineExtraction {
  constructor(
    private readonly deps: {
      records: MemoryRecordStore;
      pipeline: FinePipeline;
      tasks: TaskTracker;
      cubeLocks: KeyedMutex;
      log?: { warn(msg: string): void } | undefined;
    },
  ) {}

  async run(target: ExtractionTarget): Promise<ExtractionOutcome> {
    const { tasks, records } = this.deps;
    const base = {
      task_id: target.task_id,
      tenant_id: target.tenant_id,
      user_id: target.user_id,
      cube_ids: target.cube_ids,
      label: 'mem_read',
    };
    tasks.upsert({ ...base, status: 'in_progress' });
    const produced: MemoryItem[] = [];
    const reasons: string[] = [];
    try {
      const found = await records.getByIds(target.raw_ids);
      if (target.raw_ids.length && !found.length) {
        // deleted before extraction ran: nothing to extract from, and nothing was lost
        const rec = tasks.upsert({
          ...base,
          status: 'cancelled',
          detail: { fine: 0, reason: 'the raw memories were deleted before extraction ran' },
        });
        return outcome(rec, produced);
      }
      // a window whose extraction failed is retried when dispatched again (the mem-reader's retries)
      const raw = found.filter(
        (r) =>
          r.status === 'activated' &&
          (r.tags.includes(TAG_EXTRACT_PENDING) || r.tags.includes(TAG_EXTRACT_FAILED)),
      );
      for (const cube of target.cube_ids) {
        const mine = raw.filter((r) => r.cube_id === cube);
        if (!mine.length) continue;
        const out = await this.deps.cubeLocks.run(`${target.tenant_id}\u0000${cube}`, () =>
          this.deps.pipeline.run(mine, target.custom_tags),
        );
        produced.push(...out.fine);
        if (out.kept_raw_reason) reasons.push(out.kept_raw_reason);
      }
      return outcome(
        tasks.upsert({
          ...base,
          status: 'completed',
          detail: {
            fine: produced.length,
            memory_ids: produced.map((m) => m.id),
            ...(reasons.length ? { reason: reasons.join('; ') } : {}),
          },
        }),
        produced,
      );
    } catch (err) {
      this.deps.log?.warn(
        `extraction task ${target.task_id} failed, raw memories kept: ${(err as Error).message}`,
      );
      const rec = tasks.upsert({
        ...base,
        status: 'failed',
        error: `extraction failed, raw memories kept: ${(err as Error).message}`,
      });
      return outcome(rec, produced);
    }
  }
}
