import type { AddResult } from '../commands';
import type { TaskTracker } from '../task-tracker';
import type { BackgroundJobs } from './background-jobs';
import { fastAnswer, type WrittenAdd } from './fast-write';
import {
  markWaiting,
  pendingRaw,
  type ExtractionStrategy,
  type PendingExtraction,
} from './extraction-strategy';
import type { FineExtraction } from './fine-extraction';

/** Async adds with a local extractor: answered `waiting` with the raw memories, extracted after. */
export class BackgroundExtraction implements ExtractionStrategy {
  readonly name = 'background';

  constructor(private readonly deps: { fine: FineExtraction; tasks: TaskTracker; jobs: BackgroundJobs }) {}

  extracts(): boolean {
    return true;
  }

  afterWrite(add: WrittenAdd): Promise<AddResult | null> {
    const raw = pendingRaw(add);
    if (!raw.length) return Promise.resolve(null);
    markWaiting(this.deps.tasks, add, raw.length);
    this.deps.jobs.spawn(() =>
      this.deps.fine
        .run({ ...add.task, raw_ids: raw.map((m) => m.memory_id), custom_tags: add.customTags })
        .then(() => undefined),
    );
    return Promise.resolve(fastAnswer(add, 'waiting'));
  }

  /** A crash's leftovers are extracted here, like an async add. */
  resume(pending: PendingExtraction): void {
    const first = pending.items[0]!;
    this.deps.jobs.spawn(() =>
      this.deps.fine
        .run({
          tenant_id: first.tenant_id,
          task_id: pending.taskId,
          user_id: first.user_id,
          cube_ids: pending.cubeIds,
          raw_ids: pending.items.map((i) => i.id),
          custom_tags: pending.customTags,
        })
        .then(() => undefined),
    );
  }
}
