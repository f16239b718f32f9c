import type { CubeScope, EdgeType, EntityHit, GraphEdge, GraphStore } from '@engram/ports';
import { attach, jsonList, type SqliteSource } from './sqlite';

// Nodes are implicit: a node exists while an edge touches it. The primary key gives MERGE semantics
// and serves lookups by source; the dst index serves reverse lookups and entity mentions. It carries
// every column (src comes with the key), so those reads never visit the table: a popular entity has
// thousands of MENTIONS edges, and one table lookup each cost ~10x the query at 100k memories.
// (It replaces the earlier (dst, type) index, dropped once the covering one exists.)
const SCHEMA = `
CREATE TABLE IF NOT EXISTS graph_edges (
  src TEXT NOT NULL,
  dst TEXT NOT NULL,
  type TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  cube_id TEXT NOT NULL,
  weight REAL,
  PRIMARY KEY (src, dst, type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS graph_edges_dst_scope ON graph_edges (dst, type, tenant_id, cube_id, weight);
DROP INDEX IF EXISTS graph_edges_dst;
CREATE INDEX IF NOT EXISTS graph_edges_scope ON graph_edges (tenant_id, cube_id);
`;

interface EdgeRow {
  src: string;
  dst: string;
  type: string;
  tenant_id: string;
  cube_id: string;
  weight: number | null;
}

const toEdge = (r: EdgeRow): GraphEdge => ({
  tenant_id: r.tenant_id,
  cube_id: r.cube_id,
  from: r.src,
  to: r.dst,
  type: r.type as EdgeType,
  ...(r.weight === null ? {} : { weight: r.weight }),
});

type Scope = { tenant: string; cubes: string };
const TYPE_OK = `(@types IS NULL OR type IN (SELECT value FROM json_each(@types)))`;

/** GraphStore on one SQLite edge table. `count` counts edges. */
export class SqliteGraphStore implements GraphStore {
  private readonly detach: () => void;
  private readonly upsertMany: (edges: GraphEdge[]) => void;
  private readonly sql;

  constructor(source: SqliteSource) {
    const { db, detach } = attach(source);
    this.detach = detach;
    db.exec(SCHEMA);
    this.sql = {
      upsert: db.prepare<[GraphEdgeParams]>(`
        INSERT INTO graph_edges (src, dst, type, tenant_id, cube_id, weight)
        VALUES (@src, @dst, @type, @tenant_id, @cube_id, @weight)
        ON CONFLICT(src, dst, type) DO UPDATE SET
          tenant_id = excluded.tenant_id, cube_id = excluded.cube_id, weight = excluded.weight`),
      // UNION rather than OR so each side uses its index; it also drops the duplicate of an edge
      // whose both ends were asked for.
      neighbors: db.prepare<[{ ids: string; types: string | null }], EdgeRow>(`
        SELECT * FROM graph_edges WHERE src IN (SELECT value FROM json_each(@ids)) AND ${TYPE_OK}
        UNION
        SELECT * FROM graph_edges WHERE dst IN (SELECT value FROM json_each(@ids)) AND ${TYPE_OK}`),
      // Driven from the entity list (CROSS JOIN fixes the join order): left to itself the planner
      // picks the (tenant, cube) index and scans every edge of the cube, ~100x slower at 100k memories.
      mentioning: db.prepare<[Scope & { entities: string; limit: number }], EntityHit>(`
        SELECT g.src AS memory_id, count(DISTINCT g.dst) AS matched
        FROM (SELECT DISTINCT value FROM json_each(@entities)) AS e
        CROSS JOIN graph_edges AS g ON g.dst = e.value AND g.type = 'MENTIONS'
        WHERE g.tenant_id = @tenant AND g.cube_id IN (SELECT value FROM json_each(@cubes))
        GROUP BY g.src
        ORDER BY matched DESC, coalesce(sum(g.weight), 0) DESC, g.src
        LIMIT @limit`),
      deleteNodes: db.prepare<[{ ids: string }]>(`
        DELETE FROM graph_edges
        WHERE src IN (SELECT value FROM json_each(@ids)) OR dst IN (SELECT value FROM json_each(@ids))`),
      countAll: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM graph_edges`),
      countScope: db.prepare<[Scope], { n: number }>(
        `SELECT count(*) AS n FROM graph_edges WHERE tenant_id = @tenant AND cube_id IN (SELECT value FROM json_each(@cubes))`,
      ),
      clear: db.prepare(`DELETE FROM graph_edges`),
    };
    const { upsert } = this.sql;
    this.upsertMany = db.transaction((edges: GraphEdge[]) => {
      for (const e of edges) {
        upsert.run({
          src: e.from,
          dst: e.to,
          type: e.type,
          tenant_id: e.tenant_id,
          cube_id: e.cube_id,
          weight: e.weight ?? null,
        });
      }
    });
  }

  async upsertEdges(edges: GraphEdge[]): Promise<void> {
    if (edges.length > 0) this.upsertMany(edges);
  }

  async neighbors(ids: string[], types?: EdgeType[]): Promise<GraphEdge[]> {
    if (ids.length === 0) return [];
    // No types (or an empty list) means every type.
    const typeList = types && types.length > 0 ? jsonList(types) : null;
    return this.sql.neighbors.all({ ids: jsonList(ids), types: typeList }).map(toEdge);
  }

  async memoriesMentioning(scope: CubeScope, entityIds: string[], limit: number): Promise<EntityHit[]> {
    if (entityIds.length === 0 || limit <= 0) return [];
    return this.sql.mentioning.all({
      tenant: scope.tenant_id,
      cubes: jsonList(scope.cube_ids),
      entities: jsonList(entityIds),
      limit,
    });
  }

  async deleteNodes(ids: string[]): Promise<void> {
    if (ids.length > 0) this.sql.deleteNodes.run({ ids: jsonList(ids) });
  }

  async count(scope?: CubeScope): Promise<number> {
    if (!scope) return this.sql.countAll.get()!.n;
    return this.sql.countScope.get({ tenant: scope.tenant_id, cubes: jsonList(scope.cube_ids) })!.n;
  }

  async clear(): Promise<void> {
    this.sql.clear.run();
  }

  async close(): Promise<void> {
    this.detach();
  }
}

interface GraphEdgeParams {
  src: string;
  dst: string;
  type: string;
  tenant_id: string;
  cube_id: string;
  weight: number | null;
}
