import type { CubeScope, VectorDoc } from '@engram/ports';
import { jsonList, type SqliteDb } from './sqlite';
import { fromBlob, toBlob } from './vector-math';

// `vectors` is the source of truth; `label` (never reused, thanks to AUTOINCREMENT) is the HNSW label.
// `vector_changes` logs which labels changed, so a checkpointed HNSW file can be brought up to date.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS vectors (
  label INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL,
  vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_scope ON vectors (tenant_id, cube_id);
CREATE TABLE IF NOT EXISTS vector_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL,
  label INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS vector_changes_scope ON vector_changes (tenant_id, cube_id, seq);
CREATE TABLE IF NOT EXISTS vector_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** One committed change to a label: a new vector, or null when the label was deleted. */
export interface VectorChange {
  seq: number;
  tenant_id: string;
  cube_id: string;
  label: number;
  id: string;
  vector: Float32Array | null;
}

interface Row {
  label: number;
  id: string;
  tenant_id: string;
  cube_id: string;
  vector: Buffer;
}

type Scope = { tenant: string; cube: string };

function prepareAll(db: SqliteDb) {
  return {
    byId: db.prepare<[string], Omit<Row, 'vector'>>(
      `SELECT label, id, tenant_id, cube_id FROM vectors WHERE id = ?`,
    ),
    byLabel: db.prepare<[number], Row>(
      `SELECT label, id, tenant_id, cube_id, vector FROM vectors WHERE label = ?`,
    ),
    insert: db.prepare<[string, string, string, Buffer]>(
      `INSERT INTO vectors (id, tenant_id, cube_id, vector) VALUES (?, ?, ?, ?)`,
    ),
    update: db.prepare<[Buffer, number]>(`UPDATE vectors SET vector = ? WHERE label = ?`),
    remove: db.prepare<[number]>(`DELETE FROM vectors WHERE label = ?`),
    log: db.prepare<[string, string, number]>(
      `INSERT INTO vector_changes (tenant_id, cube_id, label) VALUES (?, ?, ?)`,
    ),
    scopeRows: db.prepare<[Scope], Row>(
      `SELECT * FROM vectors WHERE tenant_id = @tenant AND cube_id = @cube`,
    ),
    scopeLabels: db.prepare<[Scope], { label: number; id: string }>(
      `SELECT label, id FROM vectors WHERE tenant_id = @tenant AND cube_id = @cube`,
    ),
    changedSince: db.prepare<[Scope & { seq: number }], { label: number }>(
      `SELECT DISTINCT label FROM vector_changes WHERE tenant_id = @tenant AND cube_id = @cube AND seq > @seq`,
    ),
    prune: db.prepare<[Scope & { seq: number }]>(
      `DELETE FROM vector_changes WHERE tenant_id = @tenant AND cube_id = @cube AND seq <= @seq`,
    ),
    // AUTOINCREMENT's high-water mark: unlike max(seq) it does not go back when the log is pruned.
    latestSeq: db.prepare<[], { seq: number }>(
      `SELECT seq FROM sqlite_sequence WHERE name = 'vector_changes'`,
    ),
    vectors: db.prepare<[string], { id: string; vector: Buffer }>(
      `SELECT id, vector FROM vectors WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    countAll: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM vectors`),
    countScope: db.prepare<[{ tenant: string; cubes: string }], { n: number }>(
      `SELECT count(*) AS n FROM vectors WHERE tenant_id = @tenant AND cube_id IN (SELECT value FROM json_each(@cubes))`,
    ),
    getMeta: db.prepare<[string], { value: string }>(`SELECT value FROM vector_meta WHERE key = ?`),
    setMeta: db.prepare<[string, string]>(
      `INSERT INTO vector_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ),
  };
}

/** The durable half of the vector index: vectors and their change log in SQLite. */
export class VectorTable {
  private readonly sql: ReturnType<typeof prepareAll>;
  readonly upsert: (docs: VectorDoc[]) => VectorChange[];
  readonly delete: (ids: string[]) => VectorChange[];
  readonly clear: () => void;

  constructor(db: SqliteDb) {
    db.exec(SCHEMA);
    const sql = (this.sql = prepareAll(db));

    const logged = (
      tenant: string,
      cube: string,
      label: number,
      id: string,
      vector: Float32Array | null,
    ) => ({
      seq: Number(sql.log.run(tenant, cube, label).lastInsertRowid),
      tenant_id: tenant,
      cube_id: cube,
      label,
      id,
      vector,
    });
    const removeRow = (row: Omit<Row, 'vector'>): VectorChange => {
      sql.remove.run(row.label);
      return logged(row.tenant_id, row.cube_id, row.label, row.id, null);
    };

    // Rows and log entries commit together, so the log never misses a change the table has.
    this.upsert = db.transaction((docs: VectorDoc[]) =>
      docs.flatMap((d) => {
        const blob = toBlob(d.vector);
        const old = sql.byId.get(d.id);
        if (old && old.tenant_id === d.tenant_id && old.cube_id === d.cube_id) {
          sql.update.run(blob, old.label);
          return [logged(d.tenant_id, d.cube_id, old.label, d.id, d.vector)];
        }
        // New id, or one that moved to another cube (whose HNSW index must forget it).
        const moved = old ? [removeRow(old)] : [];
        const label = Number(sql.insert.run(d.id, d.tenant_id, d.cube_id, blob).lastInsertRowid);
        return [...moved, logged(d.tenant_id, d.cube_id, label, d.id, d.vector)];
      }),
    );
    this.delete = db.transaction((ids: string[]) =>
      ids.flatMap((id) => {
        const row = sql.byId.get(id);
        return row ? [removeRow(row)] : [];
      }),
    );
    this.clear = db.transaction(() => {
      db.exec(`DELETE FROM vectors; DELETE FROM vector_changes;`);
    });
  }

  /** Dimension of the stored vectors, or null when the table is empty. */
  storedDimension(): number | null {
    const stored = this.sql.getMeta.get('dimension');
    return stored && this.sql.countAll.get()!.n > 0 ? Number(stored.value) : null;
  }

  setDimension(dimension: number): void {
    this.sql.setMeta.run('dimension', String(dimension));
  }

  scopeRows(tenant: string, cube: string): Iterable<{ label: number; id: string; vector: Float32Array }> {
    const rows = this.sql.scopeRows.iterate({ tenant, cube });
    return (function* () {
      for (const r of rows) yield { label: r.label, id: r.id, vector: fromBlob(r.vector) };
    })();
  }

  labels(tenant: string, cube: string): Map<number, string> {
    return new Map(this.sql.scopeLabels.all({ tenant, cube }).map((r) => [r.label, r.id]));
  }

  /** The label's current vector if it still belongs to this scope. */
  vectorOf(label: number, tenant: string, cube: string): Float32Array | null {
    const r = this.sql.byLabel.get(label);
    return r && r.tenant_id === tenant && r.cube_id === cube ? fromBlob(r.vector) : null;
  }

  changedSince(tenant: string, cube: string, seq: number): number[] {
    return this.sql.changedSince.all({ tenant, cube, seq }).map((r) => r.label);
  }

  prune(tenant: string, cube: string, seq: number): void {
    this.sql.prune.run({ tenant, cube, seq });
  }

  latestSeq(): number {
    return this.sql.latestSeq.get()?.seq ?? 0;
  }

  getVectors(ids: string[]): Map<string, Float32Array> {
    if (ids.length === 0) return new Map();
    return new Map(this.sql.vectors.all(jsonList(ids)).map((r) => [r.id, fromBlob(r.vector)]));
  }

  count(scope?: CubeScope): number {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }
}
