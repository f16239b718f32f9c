import { matchesFilter, type MemoryItem } from '@engram/domain';
import type { CubeScope, ListQuery, ListResult, MemoryRecordStore } from '@engram/ports';
import { attach, jsonList, type SqliteDb, type SqliteSource } from './sqlite';

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
`;

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
      INSERT INTO memories (id, tenant_id, cube_id, user_id, session_id, status, created_at, updated_at, pending_index, item)
      VALUES (@id, @tenant_id, @cube_id, @user_id, @session_id, @status, @created_at, @updated_at, 1, @item)
      ON CONFLICT(id) DO UPDATE SET
        tenant_id = excluded.tenant_id, cube_id = excluded.cube_id, user_id = excluded.user_id,
        session_id = excluded.session_id, status = excluded.status, created_at = excluded.created_at,
        updated_at = excluded.updated_at, pending_index = 1, item = excluded.item`),
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

/** MemoryRecordStore on SQLite: the item as JSON plus the columns queries need. */
export class SqliteRecordStore implements MemoryRecordStore {
  private readonly detach: () => void;
  private readonly sql: ReturnType<typeof prepareAll>;
  private readonly upsertMany: (items: MemoryItem[]) => void;

  constructor(source: SqliteSource) {
    const { db, detach } = attach(source);
    this.detach = detach;
    db.exec(SCHEMA);
    this.sql = prepareAll(db);
    // One transaction per batch: one fsync, and a batch is all-or-nothing.
    this.upsertMany = db.transaction((items: MemoryItem[]) => {
      for (const it of items) {
        this.sql.upsert.run({
          id: it.id,
          tenant_id: it.tenant_id,
          cube_id: it.cube_id,
          user_id: it.user_id,
          session_id: it.session_id,
          status: it.status,
          created_at: it.created_at,
          updated_at: it.updated_at,
          item: JSON.stringify(it),
        });
      }
    });
  }

  async upsert(items: MemoryItem[]): Promise<void> {
    if (items.length > 0) this.upsertMany(items);
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

  async delete(ids: string[]): Promise<number> {
    return ids.length === 0 ? 0 : this.sql.delete.run(jsonList(ids)).changes;
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
