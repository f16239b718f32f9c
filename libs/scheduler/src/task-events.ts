import { randomUUID } from 'node:crypto';
import { decodeEvent, encodeEvent, TOPICS, type TaskEvent } from '@engram/contracts';
import { taskKey, type TaskRecord, type TaskStatus, type TaskTracker } from '@engram/memory-core';
import type { MessageBus, Subscription } from '@engram/ports';

type TaskUpdate = Pick<TaskRecord, 'task_id' | 'tenant_id' | 'user_id' | 'cube_ids' | 'label' | 'status'> &
  Partial<Pick<TaskRecord, 'error' | 'detail'>>;

/** Publishes one task transition (keyed tenant:task, so a task's events stay in order). */
export async function publishTask(bus: MessageBus, t: TaskUpdate): Promise<void> {
  const event: TaskEvent = {
    schema_version: 1,
    event_id: randomUUID(),
    tenant_id: t.tenant_id,
    occurred_at: new Date().toISOString(),
    task_id: t.task_id,
    user_id: t.user_id,
    cube_ids: t.cube_ids,
    label: t.label,
    status: t.status,
    ...(t.error ? { error: t.error } : {}),
    ...(t.detail ? { detail: t.detail } : {}),
  };
  const e = encodeEvent(TOPICS.taskEvents, event);
  await bus.publish(TOPICS.taskEvents, [e]);
}

const MAX_TASKS = 100_000;
const RANK: Record<TaskStatus, number> = {
  waiting: 0,
  in_progress: 1,
  completed: 2,
  failed: 2,
  cancelled: 2,
};

/**
 * Folds task events into a tracker, per (tenant, task id). A task spans cubes and the mem-reader reports each cube on its
 * own, so the state is kept per cube and the task's status is derived: failed if any cube failed,
 * running while any cube is, completed when all are. Events of one cube never move it backwards
 * (the ingestion's `waiting` and the mem-reader's events travel on different partitions) — except
 * into a new run: a dead-letter replay publishes `waiting` with `detail.replay` = n, which restarts
 * the cube, and events of an older run are ignored from then on. Events that name no run belong to
 * the cube's current one.
 */
export class TaskStateFolder {
  private readonly cubes = new Map<string, Map<string, { event: TaskEvent; run: number }>>();

  constructor(private readonly tracker: TaskTracker) {}

  apply(e: TaskEvent): void {
    // a task is its tenant's: two tenants naming the same task id fold into two tasks
    const key = taskKey(e.tenant_id, e.task_id);
    const parts = this.cubes.get(key) ?? new Map<string, { event: TaskEvent; run: number }>();
    this.cubes.delete(key); // re-insert: Map order = least recently updated first
    this.cubes.set(key, parts);
    for (const old of this.cubes.keys()) {
      if (this.cubes.size <= MAX_TASKS) break;
      this.cubes.delete(old); // bounded like the tracker; a very old task's late event starts afresh
    }
    const run = runOf(e);
    for (const cube of e.cube_ids) {
      const prev = parts.get(cube);
      const newer = !prev || (run !== undefined && run > prev.run);
      const sameRun = prev && (run === undefined || run === prev.run);
      if (newer || (sameRun && RANK[e.status] >= RANK[prev.event.status]))
        parts.set(cube, { event: e, run: run ?? prev?.run ?? 0 });
    }
    const all = [...parts.values()].map((p) => p.event);
    const status: TaskStatus = all.some((p) => p.status === 'failed')
      ? 'failed'
      : all.some((p) => p.status === 'waiting' || p.status === 'in_progress')
        ? all.some((p) => p.status !== 'waiting')
          ? 'in_progress'
          : 'waiting'
        : all.every((p) => p.status === 'cancelled')
          ? 'cancelled'
          : 'completed';
    const error = all.find((p) => p.error)?.error;
    this.tracker.upsert({
      task_id: e.task_id,
      tenant_id: e.tenant_id,
      user_id: e.user_id,
      cube_ids: [...parts.keys()],
      label: e.label,
      status,
      ...(error ? { error } : {}),
      detail: Object.fromEntries(all.map((p) => [p.cube_ids.join(','), p.detail ?? {}])),
    });
  }
}

/** The run an event belongs to (`detail.replay`, set by dead-letter replays), if it names one. */
function runOf(e: TaskEvent): number | undefined {
  const r = e.detail?.['replay'];
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : undefined;
}

/**
 * Feeds a tracker from the task-events topic (the scheduler; the gateway for its own status routes).
 * Every replica folds every event from the beginning under a group of its own, deleted again when the
 * subscription closes (`ephemeral`).
 */
export function subscribeTasks(bus: MessageBus, group: string, tracker: TaskTracker): Promise<Subscription> {
  const folder = new TaskStateFolder(tracker);
  return bus.subscribe({
    topic: TOPICS.taskEvents,
    groupId: group,
    fromBeginning: true,
    ephemeral: true,
    handler: async (m) => folder.apply(decodeEvent(TOPICS.taskEvents, m.value)),
  });
}
