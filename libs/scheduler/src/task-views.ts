import type { TaskRecord, TaskTracker } from '@engram/memory-core';

/**
 * The scheduler's views of a tenant's tasks, in MemOS's shapes (`/product/scheduler/status` and
 * `/task_queue_status`): what the REST routes answer, whichever tracker feeds them (the gateway's
 * memory core, or the scheduler service's, folded from task events).
 */

/** `status`: one entry per task, with its error when it failed. */
export function taskStatusView(tasks: readonly TaskRecord[]) {
  return tasks.map((t) => ({ task_id: t.task_id, status: t.status, ...(t.error ? { error: t.error } : {}) }));
}

/** `task_queue_status`: a user's tasks running (pending) and waiting (remaining), per cube and label. */
export function taskQueueView(tasks: TaskTracker, tenant: string, userId: string) {
  const mine = tasks.list(tenant, { user_id: userId });
  const running = mine.filter((t) => t.status === 'in_progress');
  const waiting = mine.filter((t) => t.status === 'waiting');
  const detail = (t: TaskRecord) => ({
    task_id: t.task_id,
    label: t.label,
    mem_cube_ids: t.cube_ids,
    status: t.status,
    created_at: t.created_at,
    updated_at: t.updated_at,
  });
  const cubes = [...new Set(mine.flatMap((t) => t.cube_ids))];
  return {
    user_id: userId,
    user_name: userId,
    mem_cube_id: cubes[0] ?? userId,
    // MemOS keys its Redis streams user:cube:label; here they name the same queues
    stream_keys: [
      ...new Set([...running, ...waiting].flatMap((t) => t.cube_ids.map((c) => `${userId}:${c}:${t.label}`))),
    ],
    users_count: new Set(tasks.list(tenant).map((t) => t.user_id)).size,
    pending_tasks_count: running.length,
    remaining_tasks_count: waiting.length,
    pending_tasks_detail: running.map(detail),
    remaining_tasks_detail: waiting.map(detail),
  };
}
