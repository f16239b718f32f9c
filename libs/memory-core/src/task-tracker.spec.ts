import { TaskTracker, type TaskStatus } from './task-tracker';

/** Two tenants using the same task id: every read sees only the tenant it names. */
describe('TaskTracker tenancy', () => {
  const track = (
    tasks: TaskTracker,
    tenant_id: string,
    task_id: string,
    status: TaskStatus,
    user_id = 'u',
    cube = 'c',
  ) => tasks.upsert({ tenant_id, task_id, user_id, cube_ids: [cube], label: 'mem_read', status });

  it('keeps one record per (tenant, task id): a second tenant does not move or overwrite the first', () => {
    const tasks = new TaskTracker();
    track(tasks, 'alpha', 'same', 'waiting', 'ana', 'ana-cube');
    track(tasks, 'beta', 'same', 'failed', 'bob', 'bob-cube');
    expect(tasks.get('alpha', 'same')).toMatchObject({
      tenant_id: 'alpha',
      user_id: 'ana',
      cube_ids: ['ana-cube'],
      status: 'waiting',
    });
    expect(tasks.get('beta', 'same')).toMatchObject({ tenant_id: 'beta', user_id: 'bob', status: 'failed' });
    expect(tasks.get('gamma', 'same')).toBeUndefined();
  });

  it('list and summary count only the named tenant, whatever the filter', () => {
    const tasks = new TaskTracker();
    track(tasks, 'alpha', 'a1', 'waiting', 'ana');
    track(tasks, 'alpha', 'a2', 'completed', 'ana');
    track(tasks, 'beta', 'a1', 'in_progress', 'ana');
    track(tasks, 'beta', 'b1', 'completed', 'bob');
    expect(tasks.list('alpha').map((t) => t.task_id)).toEqual(['a1', 'a2']);
    expect(tasks.list('beta', { user_id: 'ana' }).map((t) => [t.tenant_id, t.status])).toEqual([
      ['beta', 'in_progress'],
    ]);
    expect(tasks.list('beta', { task_id: 'a2' })).toEqual([]);
    expect(tasks.list('alpha', { task_id: 'a1', user_id: 'bob' })).toEqual([]);
    expect(tasks.list('beta', { cube_id: 'c' })).toHaveLength(2);
    expect(tasks.summary('alpha')).toMatchObject({ waiting: 1, completed: 1, in_progress: 0, total: 2 });
    expect(tasks.summary('beta', { user_id: 'bob' })).toMatchObject({ completed: 1, total: 1 });
    expect(tasks.totals()).toMatchObject({ total: 4, pending: 2 });
  });

  it("waitFor resolves on the named tenant's task only", async () => {
    const tasks = new TaskTracker();
    track(tasks, 'alpha', 't', 'waiting');
    track(tasks, 'beta', 't', 'waiting');
    const alpha = tasks.waitFor('alpha', 't', 2_000);
    track(tasks, 'beta', 't', 'completed');
    // beta's task finishing does not answer alpha's wait
    expect(await tasks.waitFor('alpha', 't', 20)).toMatchObject({ tenant_id: 'alpha', status: 'waiting' });
    track(tasks, 'alpha', 't', 'failed');
    expect(await alpha).toMatchObject({ tenant_id: 'alpha', status: 'failed' });
    expect(await tasks.waitFor('gamma', 't', 10)).toBeUndefined();
  });

  it("waitIdle looks at the named tenant's tasks only", async () => {
    const tasks = new TaskTracker();
    track(tasks, 'alpha', 'a', 'in_progress');
    expect(await tasks.waitIdle('beta', {}, 10)).toBe('idle');
    expect(await tasks.waitIdle('alpha', { cube_id: 'c' }, 10)).toBe('timeout');
    const idle = tasks.waitIdle('alpha', {}, 2_000);
    track(tasks, 'alpha', 'a', 'completed');
    expect(await idle).toBe('idle');
  });

  it('a finished attempt clears the error of an earlier failed one', () => {
    const tasks = new TaskTracker();
    tasks.upsert({
      tenant_id: 't',
      task_id: 'x',
      user_id: 'u',
      cube_ids: ['c'],
      label: 'add',
      status: 'failed',
      error: 'boom',
    });
    expect(track(tasks, 't', 'x', 'completed').error).toBeUndefined();
  });

  it('past maxTasks drops the least recently updated finished tasks, of any tenant', () => {
    const tasks = new TaskTracker(2);
    track(tasks, 'alpha', 'old', 'completed');
    track(tasks, 'beta', 'old', 'waiting');
    track(tasks, 'alpha', 'new', 'completed');
    expect(tasks.get('alpha', 'old')).toBeUndefined();
    expect(tasks.get('beta', 'old')).toBeDefined();
    expect(tasks.get('alpha', 'new')).toBeDefined();
  });
});
