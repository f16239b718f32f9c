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
-- a delete removes the row's tokens from the index segments instead of adding delete markers beside
-- them (SQLite >= 3.42), so a deleted memory's words leave the file
INSERT INTO lexical_fts (lexical_fts, rank) VALUES ('secure-delete', 1);
`;

type Scope = { tenant: string; cubes: string };

/** Cached index statistics (doc count, scope shares, term doc frequencies) are trusted this long... */
const STATS_TTL_MS = 60_000;
/** ...and for this many writes. They steer the plan; a stale doc frequency can only misjudge a term
 * near the weightless threshold, where its weight is close to zero anyway. */
const STATS_WRITES = 1000;
/** Below this share the ranked pre-fetch would mostly hold other scopes' docs: go straight to the join. */
const MIN_SHARE = 0.25;

/** LexicalIndex on SQLite FTS5 with BM25 ranking and jieba segmentation for CJK text. */
export class SqliteLexicalIndex implements LexicalIndex {
  private readonly detach: () => void;
  private readonly upsertMany: (docs: LexicalDoc[]) => void;
  private readonly deleteMany: (ids: string[]) => void;
  private readonly clearAll: () => void;
  private readonly sql;
  private writes = 0;
  private stats = { at: 0, writes: 0, total: 0 };
  private readonly shares = new Map<string, number>();
  private readonly docFreqs = new Map<string, number>();

  constructor(source: SqliteSource) {
    const { db, detach } = attach(source);
    this.detach = detach;
    db.exec(SCHEMA);
    // Per connection, nothing on disk: term document frequencies straight from the FTS index.
    db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_vocab USING fts5vocab(main, 'lexical_fts', 'row')`,
    );
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
      docFreq: db.prepare<[string], { doc: number }>(`SELECT doc FROM temp.lexical_vocab WHERE term = ?`),
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
    const run = (m: string) => {
      const params = { match: m, tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids), limit };
      return this.rankedInScope(params) ?? this.sql.search.all(params);
    };
    // A term in half the docs or more has no BM25 weight in FTS5 (its idf is clamped to 1e-6), so it only
    // adds rows to rank: in a 100k-memory cube the year of every timestamp matches 73% of the docs.
    // Without such terms the ranking is the same; only when too few docs match the rest do the
    // weightless matches fill the list, so then the full expression runs.
    const informative = matchExpression(query, (t) => !this.weightless(t))!;
    let rows = run(informative);
    if (informative !== match && rows.length < limit) rows = run(match);
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
    const ids = new Map(
      this.sql.inScope
        .all({ ...p, rows: JSON.stringify(ranked.map((r) => r.row_id)) })
        .map((r) => [r.row_id, r.id]),
    );
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

  /** The scope's fraction of all indexed docs (cached). */
  private scopeShare(p: Scope): number {
    this.refreshStats();
    const key = `${p.tenant}\u0000${p.cubes}`;
    let share = this.shares.get(key);
    if (share === undefined) {
      share = this.stats.total === 0 ? 0 : this.sql.countScope.get(p)!.n / this.stats.total;
      if (this.shares.size > 10_000) this.shares.clear(); // bounded: many distinct scopes just recount
      this.shares.set(key, share);
    }
    return share;
  }

  /** Whether FTS5's BM25 gives the term no weight: idf = ln((N - n + 0.5) / (n + 0.5)) <= 0 when 2n >= N. */
  private weightless(term: string): boolean {
    this.refreshStats();
    let df = this.docFreqs.get(term);
    if (df === undefined) {
      df = this.sql.docFreq.get(term)?.doc ?? 0;
      if (this.docFreqs.size > 10_000) this.docFreqs.clear();
      this.docFreqs.set(term, df);
    }
    return this.stats.total > 0 && 2 * df >= this.stats.total;
  }

  private refreshStats(): void {
    const now = Date.now();
    if (now - this.stats.at < STATS_TTL_MS && this.writes - this.stats.writes < STATS_WRITES) return;
    this.stats = { at: now, writes: this.writes, total: this.sql.countAll.get()!.n };
    this.shares.clear();
    this.docFreqs.clear();
  }

  async count(scope?: CubeScope): Promise<number> {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }

  async clear(): Promise<void> {
    this.clearAll();
    this.stats = { at: 0, writes: 0, total: 0 };
  }

  async close(): Promise<void> {
    this.detach();
  }
}
