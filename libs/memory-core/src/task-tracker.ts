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

const TERMINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled']);

/**
 * Tracks add tasks so `/product/scheduler/*` can answer. Kept in memory; completed tasks older than
 * the retention window are dropped to bound memory.
 */
export class TaskTracker {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly maxTasks = 100_000) {}

  upsert(task: Omit<TaskRecord, 'created_at' | 'updated_at'>): TaskRecord {
    const now = new Date().toISOString();
    const prev = this.tasks.get(task.task_id);
    const rec: TaskRecord = { ...prev, ...task, created_at: prev?.created_at ?? now, updated_at: now };
    // a retried task that then succeeds must not keep reporting the earlier attempt's error
    if (!task.error && task.status !== 'failed') delete rec.error;
    this.tasks.delete(task.task_id);
    this.tasks.set(task.task_id, rec);
    if (this.tasks.size > this.maxTasks) {
      for (const [id, t] of this.tasks) {
        if (this.tasks.size <= this.maxTasks) break;
        if (t.status === 'completed' || t.status === 'failed' || t.status === 'cancelled')
          this.tasks.delete(id);
      }
    }
    if (rec.status !== 'waiting' && rec.status !== 'in_progress') for (const w of this.waiters) w();
    return rec;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  list(filter: { user_id?: string; cube_id?: string; task_id?: string } = {}): TaskRecord[] {
    return [...this.tasks.values()].filter(
      (t) =>
        (!filter.task_id || t.task_id === filter.task_id) &&
        (!filter.user_id || t.user_id === filter.user_id) &&
        (!filter.cube_id || t.cube_ids.includes(filter.cube_id)),
    );
  }

  summary(
    filter: { user_id?: string; cube_id?: string } = {},
  ): Record<TaskStatus | 'pending' | 'total', number> {
    const s = { waiting: 0, in_progress: 0, pending: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
    for (const t of this.list(filter)) {
      s[t.status]++;
      s.total++;
    }
    s.pending = s.waiting + s.in_progress;
    return s;
  }

  /**
   * Resolves with the task once it is completed, failed or cancelled, or with its state at the
   * deadline (still waiting / in progress, or undefined when it was never seen).
   */
  async waitFor(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const finished = () => {
      const t = this.tasks.get(taskId);
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
      const timer = setTimeout(() => done(this.tasks.get(taskId)), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolves 'idle' when no task for the scope is waiting or running, else 'timeout'. */
  async waitIdle(
    filter: { user_id?: string; cube_id?: string },
    timeoutMs: number,
  ): Promise<'idle' | 'timeout'> {
    const busy = () => this.list(filter).some((t) => t.status === 'waiting' || t.status === 'in_progress');
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
