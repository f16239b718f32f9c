import type { CubeScope, LexicalDoc, LexicalIndex, ScoredId } from '@engram/ports';
import { attach, jsonList, type SqliteSource } from './sqlite';
import { indexText, matchExpression } from './tokenizer';

// Scope lives in a plain side table keyed by the FTS rowid, so tenant/cube filters use a B-tree index
// and replacing a doc by id is a point lookup.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS lexical_docs (
  row_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lexical_docs_scope ON lexical_docs (tenant_id, cube_id);
CREATE VIRTUAL TABLE IF NOT EXISTS lexical_fts USING fts5 (
  content, tokenize = 'unicode61 remove_diacritics 2'
);
`;

type Scope = { tenant: string; cubes: string };

/** LexicalIndex on SQLite FTS5 with BM25 ranking and jieba segmentation for CJK text. */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly detach: () => void;
  private readonly upsertMany: (docs: LexicalDoc[]) => void;
  private readonly deleteMany: (ids: string[]) => void;
  private readonly clearAll: () => void;
  private readonly sql;

  constructor(source: SqliteSource) {
    const { db, detach } = attach(source);
    this.detach = detach;
    db.exec(SCHEMA);
    this.sql = {
      upsertDoc: db.prepare<[string, string, string], { row_id: number }>(`
        INSERT INTO lexical_docs (id, tenant_id, cube_id) VALUES (?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET tenant_id = excluded.tenant_id, cube_id = excluded.cube_id
        RETURNING row_id`),
      rowOf: db.prepare<[string], { row_id: number }>(`SELECT row_id FROM lexical_docs WHERE id = ?`),
      deleteDoc: db.prepare<[number]>(`DELETE FROM lexical_docs WHERE row_id = ?`),
      deleteText: db.prepare<[number]>(`DELETE FROM lexical_fts WHERE rowid = ?`),
      insertText: db.prepare<[number, string]>(`INSERT INTO lexical_fts (rowid, content) VALUES (?, ?)`),
      search: db.prepare<[Scope & { match: string; limit: number }], { id: string; score: number }>(`
        SELECT d.id AS id, bm25(lexical_fts) AS score
        FROM lexical_fts JOIN lexical_docs d ON d.row_id = lexical_fts.rowid
        WHERE lexical_fts MATCH @match
          AND d.tenant_id = @tenant AND d.cube_id IN (SELECT value FROM json_each(@cubes))
        ORDER BY score, d.id LIMIT @limit`),
      countAll: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM lexical_docs`),
      countScope: db.prepare<[Scope], { n: number }>(
        `SELECT count(*) AS n FROM lexical_docs WHERE tenant_id = @tenant AND cube_id IN (SELECT value FROM json_each(@cubes))`,
      ),
    };
    const { upsertDoc, rowOf, deleteDoc, deleteText, insertText } = this.sql;
    this.upsertMany = db.transaction((docs: LexicalDoc[]) => {
      for (const d of docs) {
        const { row_id } = upsertDoc.get(d.id, d.tenant_id, d.cube_id)!;
        deleteText.run(row_id);
        insertText.run(row_id, indexText(d.text));
      }
    });
    this.deleteMany = db.transaction((ids: string[]) => {
      for (const id of ids) {
        const row = rowOf.get(id);
        if (!row) continue;
        deleteText.run(row.row_id);
        deleteDoc.run(row.row_id);
      }
    });
    this.clearAll = db.transaction(() => {
      db.exec(`DELETE FROM lexical_docs; DELETE FROM lexical_fts;`);
    });
  }

  async upsert(docs: LexicalDoc[]): Promise<void> {
    if (docs.length > 0) this.upsertMany(docs);
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) this.deleteMany(ids);
  }

  async search(scope: CubeScope, query: string, limit: number): Promise<ScoredId[]> {
    const match = matchExpression(query);
    if (match === null || limit <= 0 || scope.cube_ids.length === 0) return [];
    const rows = this.sql.search.all({
      match,
      tenant: scope.tenant_id,
      cubes: jsonList(scope.cube_ids),
      limit,
    });
    // SQLite's bm25() is negated so that ascending order is best; the port wants positive scores.
    return rows.map((r) => ({ id: r.id, score: Math.max(0, -r.score) }));
  }

  async count(scope?: CubeScope): Promise<number> {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }

  async clear(): Promise<void> {
    this.clearAll();
  }

  async close(): Promise<void> {
    this.detach();
  }
}
