import { matchesFilter, type MemoryItem } from '@engram/domain';
import type {
  CubeScope,
  DeleteOutcome,
  ListQuery,
  ListResult,
  MemoryRecordStore,
  Tombstone,
} from '@engram/ports';
import { survivingPredecessors } from '@engram/ports';
import { attach, jsonList, WalCheckpointer, type SqliteDb, type SqliteSource } from './sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS memories (
  row_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  pending_index INTEGER NOT NULL DEFAULT 1,
  item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_scope ON memories (tenant_id, cube_id, status, updated_at DESC, id);
CREATE INDEX IF NOT EXISTS memories_pending ON memories (row_id) WHERE pending_index = 1;
CREATE TABLE IF NOT EXISTS memory_tombstones (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL,
  deleted_at TEXT NOT NULL
) WITHOUT ROWID;
`;

/** `preceding_id` as a column (relinking finds a deleted memory's successors by it); older files get it here. */
function addPrecedingColumn(db: SqliteDb): void {
  db.transaction(() => {
    const has = db
      .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('memories')`)
      .all()
      .some((c) => c.name === 'preceding_id');
    if (!has)
      db.exec(`ALTER TABLE memories ADD COLUMN preceding_id TEXT;
        UPDATE memories SET preceding_id = json_extract(item, '$.preceding_id');`);
    db.exec(
      `CREATE INDEX IF NOT EXISTS memories_preceding ON memories (preceding_id) WHERE preceding_id IS NOT NULL`,
    );
  }).immediate();
}

const IN_SCOPE = `tenant_id = @tenant AND cube_id IN (SELECT value FROM json_each(@cubes))`;
const LISTED = `${IN_SCOPE} AND status IN (SELECT value FROM json_each(@statuses))`;
// ISO-8601 UTC strings (toISOString) sort lexically in time order.
const ORDER = `ORDER BY updated_at DESC, id ASC`;

interface ItemRow {
  row_id: number;
  item: string;
}

const parse = (row: ItemRow): MemoryItem => JSON.parse(row.item) as MemoryItem;

type Scope = { tenant: string; cubes: string };
type Listed = Scope & { statuses: string };
type Count = { n: number };

function prepareAll(db: SqliteDb) {
  return {
    upsert: db.prepare(`
      INSERT INTO memories (id, tenant_id, cube_id, user_id, session_id, status, created_at, updated_at, pending_index, preceding_id, item)
      VALUES (@id, @tenant_id, @cube_id, @user_id, @session_id, @status, @created_at, @updated_at, 1, @preceding_id, @item)
      ON CONFLICT(id) DO UPDATE SET
        tenant_id = excluded.tenant_id, cube_id = excluded.cube_id, user_id = excluded.user_id,
        session_id = excluded.session_id, status = excluded.status, created_at = excluded.created_at,
        updated_at = excluded.updated_at, pending_index = 1, preceding_id = excluded.preceding_id,
        item = excluded.item`),
    tombstones: db.prepare<[string], Tombstone>(
      `SELECT id, tenant_id, cube_id, deleted_at FROM memory_tombstones WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    isTombstoned: db.prepare<[string], { id: string }>(`SELECT id FROM memory_tombstones WHERE id = ?`),
    toDelete: db.prepare<[string], { id: string; preceding_id: string | null }>(
      `SELECT id, preceding_id FROM memories WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    successors: db.prepare<[{ ids: string }], ItemRow>(
      `SELECT row_id, item FROM memories WHERE preceding_id IN (SELECT value FROM json_each(@ids))
         AND id NOT IN (SELECT value FROM json_each(@ids))`,
    ),
    relink: db.prepare<[{ row_id: number; preceding_id: string | null; item: string }]>(
      `UPDATE memories SET preceding_id = @preceding_id, item = @item, pending_index = 1 WHERE row_id = @row_id`,
    ),
    tombstone: db.prepare<[{ ids: string; at: string }]>(
      `INSERT OR IGNORE INTO memory_tombstones (id, tenant_id, cube_id, deleted_at)
       SELECT id, tenant_id, cube_id, @at FROM memories WHERE id IN (SELECT value FROM json_each(@ids))`,
    ),
    byIds: db.prepare<[string], ItemRow & { id: string }>(
      `SELECT row_id, id, item FROM memories WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    countListed: db.prepare<[Listed], Count>(`SELECT count(*) AS n FROM memories WHERE ${LISTED}`),
    page: db.prepare<[Listed & { limit: number; offset: number }], ItemRow>(
      `SELECT row_id, item FROM memories WHERE ${LISTED} ${ORDER} LIMIT @limit OFFSET @offset`,
    ),
    listed: db.prepare<[Listed], ItemRow>(`SELECT row_id, item FROM memories WHERE ${LISTED} ${ORDER}`),
    delete: db.prepare<[string]>(`DELETE FROM memories WHERE id IN (SELECT value FROM json_each(?))`),
    pending: db.prepare<[number], ItemRow>(
      `SELECT row_id, item FROM memories WHERE pending_index = 1 ORDER BY row_id LIMIT ?`,
    ),
    markIndexed: db.prepare<[string]>(
      `UPDATE memories SET pending_index = 0 WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    after: db.prepare<[number, number], ItemRow>(
      `SELECT row_id, item FROM memories WHERE row_id > ? ORDER BY row_id LIMIT ?`,
    ),
    countAll: db.prepare<[], Count>(`SELECT count(*) AS n FROM memories`),
    countScope: db.prepare<[Scope], Count>(`SELECT count(*) AS n FROM memories WHERE ${IN_SCOPE}`),
  };
}

/**
 * MemoryRecordStore on SQLite: the item as JSON plus the columns queries need. A delete leaves a
 * tombstone, and its text leaves the files: `secure_delete` zeroes the freed space (set on the
 * connection) and a WAL checkpoint drops the WAL frames that still held it.
 */
export class SqliteRecordStore implements MemoryRecordStore {
  private readonly detach: () => void;
  private readonly sql: ReturnType<typeof prepareAll>;
  private readonly upsertMany: (items: MemoryItem[]) => string[];
  private readonly deleteMany: (ids: string[], at: string) => DeleteOutcome;
  private readonly checkpointer: WalCheckpointer;

  constructor(source: SqliteSource) {
    const { db, detach } = attach(source);
    this.detach = detach;
    db.exec(SCHEMA);
    addPrecedingColumn(db);
    this.sql = prepareAll(db);
    this.checkpointer = new WalCheckpointer(db);
    // One transaction per batch: one fsync, and a batch is all-or-nothing.
    this.upsertMany = db.transaction((items: MemoryItem[]) => {
      const refused: string[] = [];
      for (const it of items) {
        if (this.sql.isTombstoned.get(it.id)) {
          refused.push(it.id);
          continue;
        }
        this.sql.upsert.run({
          id: it.id,
          tenant_id: it.tenant_id,
          cube_id: it.cube_id,
          user_id: it.user_id,
          session_id: it.session_id,
          status: it.status,
          created_at: it.created_at,
          updated_at: it.updated_at,
          preceding_id: it.preceding_id ?? null,
          item: JSON.stringify(it),
        });
      }
      return refused;
    });
    this.deleteMany = db.transaction((ids: string[], at: string): DeleteOutcome => {
      const doomed = this.sql.toDelete.all(jsonList(ids));
      if (doomed.length === 0) return { deleted: 0, relinked: [] };
      const gone = jsonList(doomed.map((d) => d.id));
      const survivor = survivingPredecessors(doomed);
      const relinked: MemoryItem[] = [];
      for (const row of this.sql.successors.all({ ids: gone })) {
        const item = parse(row);
        item.preceding_id = survivor(item.preceding_id!);
        this.sql.relink.run({
          row_id: row.row_id,
          preceding_id: item.preceding_id,
          item: JSON.stringify(item),
        });
        relinked.push(item);
      }
      this.sql.tombstone.run({ ids: gone, at });
      return { deleted: this.sql.delete.run(gone).changes, relinked };
    });
  }

  async upsert(items: MemoryItem[]): Promise<string[]> {
    return items.length > 0 ? this.upsertMany(items) : [];
  }

  async getByIds(ids: string[]): Promise<MemoryItem[]> {
    if (ids.length === 0) return [];
    const byId = new Map(this.sql.byIds.all(jsonList(ids)).map((r) => [r.id, parse(r)]));
    // Caller's order, each id once.
    return [...new Set(ids)].flatMap((id) => {
      const item = byId.get(id);
      return item ? [item] : [];
    });
  }

  async list(query: ListQuery): Promise<ListResult> {
    const params: Listed = {
      tenant: query.tenant_id,
      cubes: jsonList(query.cube_ids),
      statuses: jsonList(query.statuses ?? ['activated']),
    };
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit ?? -1; // SQLite: negative LIMIT means none
    if (!query.filter) {
      const total = this.sql.countListed.get(params)!.n;
      return { items: this.sql.page.all({ ...params, limit, offset }).map(parse), total };
    }
    // Filters can reach any field (info.*, arrays, LIKE), so scope in SQL and evaluate the rest with
    // the domain's matcher: one implementation of the filter semantics for every store.
    const items: MemoryItem[] = [];
    let total = 0;
    for (const row of this.sql.listed.iterate(params)) {
      const item = parse(row);
      if (!matchesFilter(item, query.filter)) continue;
      if (total >= offset && (limit < 0 || items.length < limit)) items.push(item);
      total += 1;
    }
    return { items, total };
  }

  async delete(ids: string[]): Promise<DeleteOutcome> {
    if (ids.length === 0) return { deleted: 0, relinked: [] };
    const outcome = this.deleteMany(ids, new Date().toISOString());
    if (outcome.deleted > 0) await this.checkpointer.afterDelete();
    return outcome;
  }

  async tombstones(ids: string[]): Promise<Tombstone[]> {
    return ids.length === 0 ? [] : this.sql.tombstones.all(jsonList(ids));
  }

  async listPendingIndex(limit: number): Promise<MemoryItem[]> {
    return this.sql.pending.all(limit).map(parse);
  }

  async markIndexed(ids: string[]): Promise<void> {
    if (ids.length > 0) this.sql.markIndexed.run(jsonList(ids));
  }

  async *iterateAll(pageSize: number): AsyncIterable<MemoryItem[]> {
    // Keyset paging on row_id (kept by ON CONFLICT updates): stable while rows change between pages.
    let after = 0;
    for (;;) {
      const rows = this.sql.after.all(after, Math.max(1, pageSize));
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.row_id;
      yield rows.map(parse);
    }
  }

  async count(scope?: CubeScope): Promise<number> {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }

  async close(): Promise<void> {
    this.detach();
  }
}
