import { UnavailableError, type MemoryItem } from '@engram/domain';
import type { AddCommand, AddResult } from '../commands';
import type { DispatchRelay } from '../dispatch-relay';
import type { ExtractionDispatcher, ExtractionJob } from '../extraction-dispatch';
import { awaitExtraction } from '../extraction-outcome';
import { pendingJob } from '../pending-job';
import type { TaskTracker } from '../task-tracker';
import type { BackgroundJobs } from './background-jobs';
import { fastAnswer, type WrittenAdd } from './fast-write';
import {
  markWaiting,
  pendingRaw,
  type ExtractionStrategy,
  type PendingExtraction,
} from './extraction-strategy';

/**
 * The cluster shape: extraction runs in the mem-reader. The add is answered once the job is published
 * (outbox: the raw memories are already stored pending); a sync fine add then waits for the task,
 * which only a tracker fed from task events can see finish (`syncFineTimeoutMs`).
 */
export class DispatchedExtraction implements ExtractionStrategy {
  readonly name = 'dispatched';

  constructor(
    private readonly deps: {
      dispatcher: ExtractionDispatcher;
      /** Republishes in the background a job whose publish failed. */
      relay: DispatchRelay;
      tasks: TaskTracker;
      jobs: BackgroundJobs;
      getByIds: (tenantId: string, ids: string[]) => Promise<MemoryItem[]>;
      /** Set where `tasks` follows task events; absent = sync fine adds are refused. */
      syncFineTimeoutMs: number | null;
    },
  ) {}

  extracts(cmd: AddCommand): boolean {
    if (cmd.async_mode === 'async') return true;
    if (cmd.mode !== 'fine') return false;
    if (!this.deps.syncFineTimeoutMs)
      throw new UnavailableError(
        'mode=fine with async_mode=sync needs an in-process LLM or a gateway that follows task events; use async_mode=async',
      );
    return true;
  }

  async afterWrite(add: WrittenAdd): Promise<AddResult | null> {
    const raw = pendingRaw(add);
    if (!raw.length) return null;
    const { cmd, task } = add;
    const job: ExtractionJob = {
      tenant_id: task.tenant_id,
      task_id: task.task_id,
      user_id: task.user_id,
      session_id: cmd.session_id,
      ingest_key: add.ingestKey,
      mode: cmd.mode,
      messages: add.messages,
      custom_tags: add.customTags,
      info: add.info,
      raw: raw.map((m) => ({ memory_id: m.memory_id, cube_id: m.cube_id })),
    };
    await this.deps.dispatcher.dispatch(job).catch((err: unknown) => {
      // the add fails (the caller may retry); the relay republishes meanwhile in case it does not
      this.deps.relay.schedule(job);
      throw err;
    });
    // the tracker may already hold the mem-reader's progress (fed from task events): keep it
    const seen = this.deps.tasks.get(task.tenant_id, task.task_id);
    let accepted: AddResult;
    if (seen?.label === 'mem_read' && seen.status !== 'waiting') {
      accepted = fastAnswer(add, seen.status);
    } else {
      markWaiting(this.deps.tasks, add, raw.length);
      accepted = fastAnswer(add, 'waiting');
    }
    if (cmd.async_mode === 'async' || !this.deps.syncFineTimeoutMs) return accepted;
    return awaitExtraction(accepted, {
      tasks: this.deps.tasks,
      getByIds: this.deps.getByIds,
      tenantId: task.tenant_id,
      timeoutMs: this.deps.syncFineTimeoutMs,
    });
  }

  /** Outbox relay at boot: publishes again what a crash may have left unpublished (the reader dedupes). */
  resume(pending: PendingExtraction): void {
    this.deps.jobs.spawn(() =>
      this.deps.dispatcher.dispatch(pendingJob(pending.taskId, pending.items, pending.customTags)),
    );
  }

  stop(): void {
    this.deps.relay.stop();
  }
}
