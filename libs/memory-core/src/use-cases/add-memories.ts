import type { AddCommand, AddResult } from '../commands';
import type { TaskRecord, TaskTracker } from '../task-tracker';
import type { BackgroundJobs } from './background-jobs';
import type { ExtractionPlan } from './choose-extraction';
import { fastAnswer, type FastWrite, type WrittenAdd } from './fast-write';

/**
 * An add: refuse a mode this core cannot serve, validate, write the raw memories (idempotently), then
 * hand them to the extraction strategy or complete the task at once. The task records the failure of
 * anything after validation, and the error is rethrown.
 */
export class AddMemories {
  constructor(
    private readonly deps: {
      fastWrite: FastWrite;
      extraction: ExtractionPlan;
      tasks: TaskTracker;
      jobs: BackgroundJobs;
      /** Reports fast adds' tasks elsewhere (the cluster's scheduler), in the background. */
      announceTask?: ((task: TaskRecord) => Promise<void>) | null | undefined;
    },
  ) {}

  async execute(cmd: AddCommand): Promise<AddResult> {
    const strategy = this.deps.extraction[cmd.async_mode];
    // extraction runs inline for sync+fine, in the background (or the mem-reader) for async adds, never for sync+fast
    const extract = strategy.extracts(cmd);
    const add = this.deps.fastWrite.prepare(cmd);
    const { tasks } = this.deps;
    tasks.upsert({ ...add.task, label: 'add', status: 'in_progress' });
    try {
      const written = await this.deps.fastWrite.write(add, extract);
      const extracting = extract ? await strategy.afterWrite(written) : null;
      return extracting ?? this.complete(written);
    } catch (err) {
      tasks.upsert({ ...add.task, label: 'add', status: 'failed', error: (err as Error).message });
      throw err;
    }
  }

  /** Nothing to extract: the task is done, and announced in the background. */
  private complete(add: WrittenAdd): AddResult {
    const done = this.deps.tasks.upsert({
      ...add.task,
      label: 'add',
      status: 'completed',
      detail: {
        memories: add.memories.length,
        written: add.written,
        ...(add.refused.length ? { refused: add.refused.length } : {}),
      },
    });
    const announce = this.deps.announceTask;
    if (announce) this.deps.jobs.spawn(() => announce(done));
    return fastAnswer(add, 'completed');
  }
}
