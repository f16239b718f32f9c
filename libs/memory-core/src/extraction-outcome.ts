import type { MemoryItem } from '@engram/domain';
import { toAddedMemory, type AddResult } from './commands';
import type { TaskRecord, TaskTracker } from './task-tracker';

/**
 * The fine memories a mem_read task stored, from its detail: `memory_ids` at the top (in-process
 * extraction) or per cube (task events folded by cube, see libs/runtime TaskStateFolder).
 */
export function extractedMemoryIds(task: TaskRecord): string[] {
  const ids = new Set<string>();
  const collect = (d: unknown) => {
    if (!d || typeof d !== 'object') return;
    const list = (d as { memory_ids?: unknown }).memory_ids;
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string') ids.add(id);
  };
  collect(task.detail);
  for (const v of Object.values(task.detail ?? {})) collect(v);
  return [...ids];
}

/**
 * `async_mode=sync` with `mode=fine` when extraction runs in another process (the cluster's
 * mem-reader): the add was accepted and dispatched; wait for its task, fed from task events, and answer
 * with the fine memories. At the deadline the accepted raw memories are returned with the task still
 * waiting / in progress, so nothing accepted is reported as lost and the caller can poll the task.
 */
export async function awaitExtraction(
  accepted: AddResult,
  deps: {
    tasks: TaskTracker;
    getByIds: (tenantId: string, ids: string[]) => Promise<MemoryItem[]>;
    tenantId: string;
    timeoutMs: number;
  },
): Promise<AddResult> {
  const task = await deps.tasks.waitFor(deps.tenantId, accepted.task_id, deps.timeoutMs);
  if (!task) return accepted;
  const status = task.status;
  const ids = task.status === 'completed' ? extractedMemoryIds(task) : [];
  const fine = ids.length ? await deps.getByIds(deps.tenantId, ids) : [];
  if (!fine.length) return { ...accepted, task_status: status };
  return {
    memories: fine.map(toAddedMemory),
    task_id: accepted.task_id,
    task_status: status,
    replayed: accepted.replayed,
  };
}
