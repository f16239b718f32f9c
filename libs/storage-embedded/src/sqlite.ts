import Database from 'better-sqlite3';

export type SqliteDb = Database.Database;

/**
 * One SQLite connection shared by several adapters in one process. Reference-counted so the adapters
 * can be closed in any order and the file is closed by whichever closes last.
 */
export class SqliteHandle {
  private refs = 1;

  private constructor(readonly db: SqliteDb) {}

  /** Opens (creating if needed) a database file. The caller holds one reference. */
  static open(path: string): SqliteHandle {
    const db = new Database(path);
    // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit, so a
    // resolved write survives kill -9 and power loss (NORMAL would only survive a process crash).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten with zeros, not just unlinked: deleted memory text must leave the file.
    db.pragma('secure_delete = ON');
    return new SqliteHandle(db);
  }

  acquire(): SqliteDb {
    if (this.refs <= 0) throw new Error('SQLite handle is already closed');
    this.refs += 1;
    return this.db;
  }

  release(): void {
    if (this.refs <= 0) return;
    this.refs -= 1;
    if (this.refs === 0 && this.db.open) this.db.close();
  }
}

/** Where an adapter gets its database: a shared handle, or a file path it opens and owns. */
export type SqliteSource = SqliteHandle | string;

/** Takes a reference for an adapter; returns the db and the function that gives it back (idempotent). */
export function attach(source: SqliteSource): { db: SqliteDb; detach: () => void } {
  const handle = typeof source === 'string' ? SqliteHandle.open(source) : source;
  const db = handle.acquire();
  if (typeof source === 'string') handle.release(); // the adapter's reference is now the only one
  let attached = true;
  return {
    db,
    detach: () => {
      if (!attached) return;
      attached = false;
      handle.release();
    },
  };
}

/** Bind value for `IN (SELECT value FROM json_each(?))`, so list parameters need no dynamic SQL. */
export const jsonList = (values: readonly string[]): string => JSON.stringify(values);

/**
 * Truncates the WAL after deletes, so the frames that still held deleted text are gone from disk.
 * Deletes that finish in the same event-loop turn share one checkpoint (a batch of deletes pays once).
 */
export class WalCheckpointer {
  private queued: Promise<void> | null = null;

  constructor(private readonly db: SqliteDb) {}

  /** Resolves once a checkpoint that started after the caller's delete committed has run. */
  afterDelete(): Promise<void> {
    this.queued ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.queued = null;
        this.checkpoint();
        resolve();
      }),
    );
    return this.queued;
  }

  /** False when a reader in another process kept it from finishing (the next one catches up). */
  checkpoint(): boolean {
    if (!this.db.open) return false;
    const [r] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return r?.busy === 0;
  }
}
