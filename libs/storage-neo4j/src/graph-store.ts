import type { CubeScope, EdgeType, EntityHit, GraphEdge, GraphStore } from '@engram/ports';
import { int, Neo4jConnection, type Neo4jConnectionOptions } from './connection';

// Relationship types are part of the Cypher text (they cannot be parameters), so only these names
// ever reach a query.
const EDGE_TYPES: ReadonlySet<EdgeType> = new Set<EdgeType>([
  'FOLLOWS',
  'MENTIONS',
  'SUPERSEDES',
  'MERGED_TO',
  'DERIVED_FROM',
  'SUMMARY',
  'MATERIAL',
  'PRECEDING',
  'FOLLOWING',
  'RELATED',
]);

// Graph nodes are their own `:GraphNode` label (not the record store's `:Memory`), so clearing or
// deleting from the graph never touches the system of record. Entity ids (`entity:<name>`) also get
// `:Entity`. A node exists while an edge touches it, as in the embedded store.
const SCHEMA = [
  'CREATE CONSTRAINT engram_graph_node_key IF NOT EXISTS FOR (n:GraphNode) REQUIRE (n.ns, n.id) IS UNIQUE',
  'CREATE INDEX engram_mentions_scope IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.tenant_id, r.cube_id)',
];

const BATCH = 1000;

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
  ...(r.weight === null || r.weight === undefined ? {} : { weight: r.weight }),
});

/**
 * GraphStore on Neo4j: memory→memory edges and memory→`:Entity` MENTIONS as relationships carrying
 * tenant_id, cube_id and weight; MERGE on (from, to, type). `count` counts edges.
 */
export class Neo4jGraphStore implements GraphStore {
  private constructor(private readonly db: Neo4jConnection) {}

  static async open(options: Neo4jConnectionOptions): Promise<Neo4jGraphStore> {
    const db = new Neo4jConnection(options);
    try {
      await db.ensureSchema(SCHEMA);
    } catch (e) {
      await db.close();
      throw e;
    }
    return new Neo4jGraphStore(db);
  }

  async upsertEdges(edges: GraphEdge[]): Promise<void> {
    if (edges.length === 0) return;
    const byType = new Map<EdgeType, Map<string, GraphEdge>>();
    for (const e of edges) {
      if (!EDGE_TYPES.has(e.type)) throw new Error(`unknown edge type ${e.type}`);
      const m = byType.get(e.type) ?? new Map<string, GraphEdge>();
      m.set(`${e.from}\u0000${e.to}`, e); // last one wins within a call, as with repeated upserts
      byType.set(e.type, m);
    }
    const statements: { cypher: string; params: Record<string, unknown> }[] = [];
    for (const [type, m] of byType) {
      // Sorted so concurrent writers lock shared nodes (entities) in the same order.
      const rows = [...m.values()]
        .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0))
        .map((e) => ({
          from: e.from,
          to: e.to,
          tenant_id: e.tenant_id,
          cube_id: e.cube_id,
          weight: e.weight ?? null,
        }));
      for (let i = 0; i < rows.length; i += BATCH) {
        statements.push({
          cypher: `UNWIND $rows AS e
            MERGE (a:GraphNode {ns: $ns, id: e.from})
            MERGE (b:GraphNode {ns: $ns, id: e.to})
            FOREACH (_ IN CASE WHEN e.to STARTS WITH 'entity:' THEN [1] ELSE [] END | SET b:Entity)
            MERGE (a)-[r:${type}]->(b)
            SET r.tenant_id = e.tenant_id, r.cube_id = e.cube_id, r.weight = e.weight`,
          params: { rows: rows.slice(i, i + BATCH) },
        });
      }
    }
    await this.db.transaction(statements);
  }

  async neighbors(ids: string[], types?: EdgeType[]): Promise<GraphEdge[]> {
    if (ids.length === 0) return [];
    const typeList = types && types.length > 0 ? types : null;
    const r = await this.db.read<EdgeRow>(
      `MATCH (n:GraphNode {ns: $ns}) WHERE n.id IN $ids
       MATCH (n)-[r]-()
       WHERE $types IS NULL OR type(r) IN $types
       WITH DISTINCT r
       RETURN startNode(r).id AS src, endNode(r).id AS dst, type(r) AS type,
              r.tenant_id AS tenant_id, r.cube_id AS cube_id, r.weight AS weight`,
      { ids: [...new Set(ids)], types: typeList },
    );
    return r.records.map((rec) => toEdge(rec.toObject()));
  }

  async memoriesMentioning(scope: CubeScope, entityIds: string[], limit: number): Promise<EntityHit[]> {
    if (entityIds.length === 0 || limit <= 0 || scope.cube_ids.length === 0) return [];
    // Driven from the (few) entity nodes, then their incoming mentions filtered by scope.
    const r = await this.db.read<EntityHit>(
      `MATCH (e:GraphNode {ns: $ns}) WHERE e.id IN $entities
       MATCH (m:GraphNode)-[r:MENTIONS]->(e)
       WHERE r.tenant_id = $tenant AND r.cube_id IN $cubes
       WITH m.id AS memory_id, count(DISTINCT e) AS matched, sum(coalesce(r.weight, 0.0)) AS w
       RETURN memory_id, matched
       ORDER BY matched DESC, w DESC, memory_id ASC
       LIMIT $limit`,
      {
        entities: [...new Set(entityIds)],
        tenant: scope.tenant_id,
        cubes: scope.cube_ids,
        limit: int(limit),
      },
    );
    return r.records.map((rec) => ({ memory_id: rec.get('memory_id'), matched: rec.get('matched') }));
  }

  async deleteNodes(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const unique = [...new Set(ids)];
    // Neighbours left without any edge go too: nodes only exist while an edge touches them.
    await this.db.transaction([
      {
        cypher: `MATCH (n:GraphNode {ns: $ns}) WHERE n.id IN $ids
                 OPTIONAL MATCH (n)--(o:GraphNode) WHERE NOT o.id IN $ids
                 WITH collect(DISTINCT n) AS gone, collect(DISTINCT o) AS others
                 FOREACH (n IN gone | DETACH DELETE n)
                 WITH others UNWIND others AS o
                 WITH o WHERE NOT (o)--()
                 DELETE o`,
        params: { ids: unique },
      },
    ]);
  }

  async count(scope?: CubeScope): Promise<number> {
    if (scope && scope.cube_ids.length === 0) return 0;
    const r = scope
      ? await this.db.read<{ n: number }>(
          `MATCH (:GraphNode {ns: $ns})-[r]->() WHERE r.tenant_id = $tenant AND r.cube_id IN $cubes RETURN count(r) AS n`,
          { tenant: scope.tenant_id, cubes: scope.cube_ids },
        )
      : await this.db.read<{ n: number }>(`MATCH (:GraphNode {ns: $ns})-[r]->() RETURN count(r) AS n`);
    return r.records[0]!.get('n');
  }

  async clear(): Promise<void> {
    await this.db.deleteAll('GraphNode');
  }

  /** Same as clear (tests and teardown). */
  async drop(): Promise<void> {
    await this.clear();
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
