/** Task lifecycle as MemOS's scheduler reports it. */
export type TaskStatus = 'waiting' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface TaskRecord {
  task_id: string;
  tenant_id: string;
  user_id: string;
  cube_ids: string[];
  label: string;
  status: TaskStatus;
  error?: string;
  detail?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** What a tenant's task view can be narrowed to. */
export interface TaskFilter {
  user_id?: string;
  cube_id?: string;
  task_id?: string;
}

export type TaskSummary = Record<TaskStatus | 'pending' | 'total', number>;

const TERMINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);

/** A task is named by its tenant and its id: two tenants may use the same task id. */
export const taskKey = (tenantId: string, taskId: string): string =>
  `${tenantId.length}:${tenantId}/${taskId}`;

/**
 * Tracks add tasks so `/product/scheduler/*` can answer. Records are keyed by (tenant, task id) and
 * every read takes the tenant, so one tenant never sees, counts or overwrites another's tasks. Kept in
 * memory; past `maxTasks` the least recently updated finished tasks are dropped to bound memory.
 */
export class TaskTracker {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly maxTasks = 100_000) {}

  upsert(task: Omit<TaskRecord, 'created_at' | 'updated_at'>): TaskRecord {
    const now = new Date().toISOString();
    const key = taskKey(task.tenant_id, task.task_id);
    const prev = this.tasks.get(key);
    const rec: TaskRecord = { ...prev, ...task, created_at: prev?.created_at ?? now, updated_at: now };
    // a retried task that then succeeds must not keep reporting the earlier attempt's error
    if (!task.error && task.status !== 'failed') delete rec.error;
    this.tasks.delete(key); // re-insert: Map order = least recently updated first
    this.tasks.set(key, rec);
    if (this.tasks.size > this.maxTasks) {
      for (const [k, t] of this.tasks) {
        if (this.tasks.size <= this.maxTasks) break;
        if (TERMINAL.has(t.status)) this.tasks.delete(k);
      }
    }
    if (TERMINAL.has(rec.status)) for (const w of this.waiters) w();
    return rec;
  }

  get(tenantId: string, taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskKey(tenantId, taskId));
  }

  list(tenantId: string, filter: TaskFilter = {}): TaskRecord[] {
    if (filter.task_id !== undefined) {
      const t = this.get(tenantId, filter.task_id);
      return t && matches(t, filter) ? [t] : [];
    }
    return [...this.tasks.values()].filter((t) => t.tenant_id === tenantId && matches(t, filter));
  }

  summary(tenantId: string, filter: Omit<TaskFilter, 'task_id'> = {}): TaskSummary {
    return count(this.list(tenantId, filter));
  }

  /** Counts over every tenant: for metrics and the operator's /health only, never a caller's view. */
  totals(): TaskSummary {
    return count(this.tasks.values());
  }

  /**
   * Resolves with the tenant's task once it is completed, failed or cancelled, or with its state at
   * the deadline (still waiting / in progress, or undefined when it was never seen).
   */
  async waitFor(tenantId: string, taskId: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const finished = () => {
      const t = this.get(tenantId, taskId);
      return t && TERMINAL.has(t.status) ? t : undefined;
    };
    const now = finished();
    if (now) return now;
    return new Promise((resolve) => {
      const done = (t: TaskRecord | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(t);
      };
      const check = () => {
        const t = finished();
        if (t) done(t);
      };
      const timer = setTimeout(() => done(this.get(tenantId, taskId)), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolves 'idle' when no task of the tenant in the scope is waiting or running, else 'timeout'. */
  async waitIdle(
    tenantId: string,
    filter: Omit<TaskFilter, 'task_id'>,
    timeoutMs: number,
  ): Promise<'idle' | 'timeout'> {
    const busy = () => this.list(tenantId, filter).some((t) => !TERMINAL.has(t.status));
    if (!busy()) return 'idle';
    return new Promise((resolve) => {
      const done = (r: 'idle' | 'timeout') => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(r);
      };
      const check = () => {
        if (!busy()) done('idle');
      };
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      this.waiters.add(check);
    });
  }
}

function matches(t: TaskRecord, f: TaskFilter): boolean {
  return (
    (f.task_id === undefined || t.task_id === f.task_id) &&
    (f.user_id === undefined || t.user_id === f.user_id) &&
    (f.cube_id === undefined || t.cube_ids.includes(f.cube_id))
  );
}

function count(tasks: Iterable<TaskRecord>): TaskSummary {
  const s = { waiting: 0, in_progress: 0, pending: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
  for (const t of tasks) {
    s[t.status]++;
    s.total++;
  }
  s.pending = s.waiting + s.in_progress;
  return s;
}
