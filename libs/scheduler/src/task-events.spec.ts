import type { TaskEvent } from '@engram/contracts';
import { TaskTracker } from '@engram/memory-core';
import { TaskStateFolder } from './task-events';

const ev = (
  cubes: string[],
  status: TaskEvent['status'],
  error?: string,
  detail?: Record<string, unknown>,
  tenant_id = 't',
): TaskEvent => ({
  schema_version: 1,
  event_id: `${tenant_id}-${cubes.join()}-${status}`,
  tenant_id,
  occurred_at: '2026-05-02T09:00:00.000Z',
  task_id: 'task-1',
  user_id: 'u',
  cube_ids: cubes,
  label: 'mem_read',
  status,
  ...(error ? { error } : {}),
  ...(detail ? { detail } : {}),
});

describe('TaskStateFolder', () => {
  it('derives a multi-cube task: running until every cube is done, failed if any failed', () => {
    const tracker = new TaskTracker();
    const f = new TaskStateFolder(tracker);
    f.apply(ev(['a', 'b'], 'waiting'));
    expect(tracker.get('t', 'task-1')!.status).toBe('waiting');
    f.apply(ev(['a'], 'in_progress'));
    expect(tracker.get('t', 'task-1')!.status).toBe('in_progress');
    f.apply(ev(['a'], 'completed'));
    expect(tracker.get('t', 'task-1')!.status).toBe('in_progress'); // b still waiting
    f.apply(ev(['b'], 'failed', 'llm down'));
    expect(tracker.get('t', 'task-1')).toMatchObject({
      status: 'failed',
      error: 'llm down',
      cube_ids: ['a', 'b'],
    });
  });

  it("never moves a cube backwards (the waiting event may arrive after the reader's)", () => {
    const tracker = new TaskTracker();
    const f = new TaskStateFolder(tracker);
    f.apply(ev(['a'], 'in_progress'));
    f.apply(ev(['a'], 'completed'));
    f.apply(ev(['a'], 'waiting'));
    expect(tracker.get('t', 'task-1')!.status).toBe('completed');
  });

  it('a replay (detail.replay = n) restarts a failed cube; the older run cannot move it after that', () => {
    const tracker = new TaskTracker();
    const f = new TaskStateFolder(tracker);
    f.apply(ev(['a', 'b'], 'waiting'));
    f.apply(ev(['a'], 'completed'));
    f.apply(ev(['b'], 'failed', 'llm down'));
    f.apply(ev(['b'], 'waiting', undefined, { replay: 1 }));
    expect(tracker.get('t', 'task-1')).toMatchObject({ status: 'in_progress' }); // a done, b waiting again
    expect(tracker.get('t', 'task-1')!.error).toBeUndefined();
    f.apply(ev(['b'], 'failed', 'late duplicate of run 0', { replay: 0 }));
    expect(tracker.get('t', 'task-1')!.status).toBe('in_progress');
    f.apply(ev(['b'], 'in_progress', undefined, { replay: 1 }));
    f.apply(ev(['b'], 'completed', undefined, { replay: 1 }));
    expect(tracker.get('t', 'task-1')).toMatchObject({ status: 'completed' });
    f.apply(ev(['b'], 'waiting')); // names no run: the current one, which never moves backwards
    expect(tracker.get('t', 'task-1')!.status).toBe('completed');
  });

  it("folds two tenants' events for the same task id into two tasks, each its tenant's", () => {
    const tracker = new TaskTracker();
    const f = new TaskStateFolder(tracker);
    f.apply(ev(['a'], 'waiting', undefined, undefined, 'alpha'));
    f.apply(ev(['b'], 'failed', 'llm down', undefined, 'beta'));
    f.apply(ev(['a'], 'completed', undefined, { fine: 1 }, 'alpha'));
    expect(tracker.get('alpha', 'task-1')).toMatchObject({
      tenant_id: 'alpha',
      status: 'completed',
      cube_ids: ['a'],
      detail: { a: { fine: 1 } },
    });
    expect(tracker.get('beta', 'task-1')).toMatchObject({
      tenant_id: 'beta',
      status: 'failed',
      error: 'llm down',
      cube_ids: ['b'],
    });
    expect(tracker.list('alpha').map((t) => t.tenant_id)).toEqual(['alpha']);
    expect(tracker.summary('beta')).toMatchObject({ failed: 1, completed: 0, total: 1 });
  });
});
