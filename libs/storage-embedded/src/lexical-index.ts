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

/** How long a cached scope share (the scope's fraction of all docs) is trusted. */
const SHARE_TTL_MS = 10_000;
/** Below this share the ranked pre-fetch would mostly hold other scopes' docs: go straight to the join. */
const MIN_SHARE = 0.25;

/** LexicalIndex on SQLite FTS5 with BM25 ranking and jieba segmentation for CJK text. */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly detach: () => void;
  private readonly upsertMany: (docs: LexicalDoc[]) => void;
  private readonly deleteMany: (ids: string[]) => void;
  private readonly clearAll: () => void;
  private readonly sql;
  private readonly shares = new Map<string, { share: number; at: number; writes: number }>();
  private writes = 0;

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
      // The best-ranked rows of the whole index, without touching lexical_docs: BM25 over every match is
      // the cost, and joining every match to its scope row first nearly doubles it on a large index.
      ranked: db.prepare<[{ match: string; fetch: number }], { row_id: number; score: number }>(`
        SELECT rowid AS row_id, bm25(lexical_fts) AS score FROM lexical_fts
        WHERE lexical_fts MATCH @match ORDER BY score LIMIT @fetch`),
      inScope: db.prepare<[Scope & { rows: string }], { row_id: number; id: string }>(`
        SELECT d.row_id AS row_id, d.id AS id
        FROM json_each(@rows) AS r CROSS JOIN lexical_docs AS d ON d.row_id = r.value
        WHERE d.tenant_id = @tenant AND d.cube_id IN (SELECT value FROM json_each(@cubes))`),
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
    this.writes += docs.length;
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) this.deleteMany(ids);
    this.writes += ids.length;
  }

  async search(scope: CubeScope, query: string, limit: number): Promise<ScoredId[]> {
    const match = matchExpression(query);
    if (match === null || limit <= 0 || scope.cube_ids.length === 0) return [];
    const params = { match, tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids), limit };
    const rows = this.rankedInScope(params) ?? this.sql.search.all(params);
    // SQLite's bm25() is negated so that ascending order is best; the port wants positive scores.
    return rows.map((r) => ({ id: r.id, score: Math.max(0, -r.score) }));
  }

  /**
   * Same rows as the `search` statement when the scope holds a good share of the index: the best
   * `fetch` rows of the whole index, filtered to the scope. Null when that cannot be proven to be the
   * exact answer (too few in scope, or a tie at the fetch boundary), and the caller runs the join.
   */
  private rankedInScope(p: Scope & { match: string; limit: number }): { id: string; score: number }[] | null {
    const share = this.scopeShare(p);
    if (share < MIN_SHARE) return null;
    const fetch = Math.ceil((2 * p.limit) / share);
    const ranked = this.sql.ranked.all({ match: p.match, fetch });
    const ids = new Map(this.sql.inScope.all({ ...p, rows: JSON.stringify(ranked.map((r) => r.row_id)) }).map((r) => [r.row_id, r.id]));
    const hits = ranked
      .filter((r) => ids.has(r.row_id))
      .map((r) => ({ id: ids.get(r.row_id)!, score: r.score }))
      .sort((a, b) => a.score - b.score || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id))) // SQLite's BINARY order
      .slice(0, p.limit);
    if (ranked.length < fetch) return hits; // every match was ranked
    // Rows past the fetch boundary score no better than the last one fetched: the answer is exact when
    // the scope's `limit` best all score strictly better than that.
    const boundary = ranked[ranked.length - 1]!.score;
    return hits.length === p.limit && hits[hits.length - 1]!.score < boundary ? hits : null;
  }

  /** The scope's fraction of all indexed docs, recounted every few seconds or after many writes. */
  private scopeShare(p: Scope): number {
    const key = `${p.tenant}\u0000${p.cubes}`;
    const now = Date.now();
    const cached = this.shares.get(key);
    if (cached && now - cached.at < SHARE_TTL_MS && this.writes - cached.writes < 1000) return cached.share;
    const all = this.sql.countAll.get()!.n;
    const share = all === 0 ? 0 : this.sql.countScope.get(p)!.n / all;
    if (this.shares.size > 1000) this.shares.clear(); // bounded: many distinct scopes just recount
    this.shares.set(key, { share, at: now, writes: this.writes });
    return share;
  }

  async count(scope?: CubeScope): Promise<number> {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }

  async clear(): Promise<void> {
    this.clearAll();
    this.shares.clear();
  }

  async close(): Promise<void> {
    this.detach();
  }
}
