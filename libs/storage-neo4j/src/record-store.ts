import { matchesFilter, type MemoryItem } from '@engram/domain';
import {
  survivingPredecessors,
  type CubeScope,
  type DeleteOutcome,
  type ListQuery,
  type ListResult,
  type MemoryRecordStore,
  type Tombstone,
} from '@engram/ports';
import { int, Neo4jConnection, type Neo4jConnectionOptions } from './connection';

/** Nodes per write statement; one upsert call is still one transaction. */
const BATCH = 500;

// `:Memory` nodes: the fields queries need as properties (indexed), plus the whole item as JSON,
// which is what reads return, so a round trip is exact whatever the item holds.
const SCHEMA = [
  'CREATE CONSTRAINT engram_memory_key IF NOT EXISTS FOR (m:Memory) REQUIRE (m.ns, m.id) IS UNIQUE',
  'CREATE INDEX engram_memory_scope IF NOT EXISTS FOR (m:Memory) ON (m.ns, m.tenant_id, m.cube_id, m.status)',
  'CREATE INDEX engram_memory_pending IF NOT EXISTS FOR (m:Memory) ON (m.ns, m.pending_index)',
  // relinking finds a deleted memory's successors by it
  'CREATE INDEX engram_memory_preceding IF NOT EXISTS FOR (m:Memory) ON (m.ns, m.preceding_id)',
  // what stays of a deleted memory (no text): its id is never written again
  'CREATE CONSTRAINT engram_memory_tombstone_key IF NOT EXISTS FOR (t:MemoryTombstone) REQUIRE (t.ns, t.id) IS UNIQUE',
];

/** Marks (per namespace) that every `:Memory` node has its `preceding_id` property (older ones got it at open). */
const PRECEDING_BACKFILL = 'memory.preceding_id';

// `status IS NOT NULL` (always true) lets the planner use the (ns, tenant_id, cube_id, status) index.
const SCOPE = `MATCH (m:Memory {ns: $ns, tenant_id: $tenant}) WHERE m.cube_id IN $cubes AND m.status IS NOT NULL`;
const LISTED = `${SCOPE} AND m.status IN $statuses`;
// ISO-8601 UTC strings (toISOString) sort lexically in time order.
const ORDER = `ORDER BY m.updated_at DESC, m.id ASC`;

interface ItemRow {
  item: string;
}

const parse = (item: string): MemoryItem => JSON.parse(item) as MemoryItem;

const row = (it: MemoryItem) => ({
  id: it.id,
  tenant_id: it.tenant_id,
  cube_id: it.cube_id,
  user_id: it.user_id,
  session_id: it.session_id,
  status: it.status,
  memory_type: it.memory_type,
  created_at: it.created_at,
  updated_at: it.updated_at,
  preceding_id: it.preceding_id ?? null,
  item: JSON.stringify(it),
});

const chunks = <T>(xs: T[], n = BATCH): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * MemoryRecordStore on Neo4j. Writes are committed transactions (durable when the promise
 * resolves), upserts MERGE on (ns, id), every write marks the node `pending_index` until
 * markIndexed. Lists scope and order in Cypher; filters use the domain's matcher, as every store does.
 */
export class Neo4jRecordStore implements MemoryRecordStore {
  private constructor(private readonly db: Neo4jConnection) {}

  /** Connects and creates the constraint and indexes unless they exist. */
  static async open(options: Neo4jConnectionOptions): Promise<Neo4jRecordStore> {
    const db = new Neo4jConnection(options);
    const store = new Neo4jRecordStore(db);
    try {
      await db.ensureSchema(SCHEMA);
      await store.backfillPreceding();
    } catch (e) {
      await db.close();
      throw e;
    }
    return store;
  }

  /** Gives nodes written before `preceding_id` was a property that property, once per namespace. */
  private async backfillPreceding(): Promise<void> {
    const name = PRECEDING_BACKFILL;
    const done = await this.db.read<{ n: number }>(
      `MATCH (x:EngramMigration {ns: $ns, name: $name}) RETURN count(x) AS n`,
      { name },
    );
    if (done.records[0]!.get('n') > 0) return;
    let after = '';
    for (;;) {
      const r = await this.db.read<{ id: string; item: string }>(
        `MATCH (m:Memory) WHERE m.ns = $ns AND m.id > $after
         RETURN m.id AS id, m.item AS item ORDER BY m.id LIMIT $n`,
        { after, n: int(BATCH) },
      );
      if (r.records.length === 0) break;
      after = r.records[r.records.length - 1]!.get('id');
      const rows = r.records
        .map((rec) => ({ id: rec.get('id'), preceding_id: parse(rec.get('item')).preceding_id ?? null }))
        .filter((x) => x.preceding_id !== null);
      if (rows.length)
        await this.db.write(
          `UNWIND $rows AS r MATCH (m:Memory {ns: $ns, id: r.id}) WHERE m.preceding_id IS NULL
           SET m.preceding_id = r.preceding_id`,
          { rows },
        );
    }
    await this.db.write(`MERGE (:EngramMigration {ns: $ns, name: $name})`, { name });
  }

  async upsert(items: MemoryItem[]): Promise<string[]> {
    if (items.length === 0) return [];
    // Sorted by id so concurrent batches lock nodes in the same order (no deadlock cycles).
    const rows = [...new Map(items.map((it) => [it.id, row(it)])).values()].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    return this.db.inTransaction(async (run) => {
      const refused = new Set<string>();
      for (const part of chunks(rows)) {
        const known = await run(`MATCH (t:MemoryTombstone {ns: $ns}) WHERE t.id IN $ids RETURN t.id AS id`, {
          ids: part.map((r) => r.id),
        });
        for (const rec of known.records) refused.add(rec.get('id') as string);
        // The tombstone is looked at again once MERGE holds the node's lock: a delete that committed in
        // between wins, and the node this statement just made goes again.
        const raced = await run(
          `UNWIND $rows AS r
           MERGE (m:Memory {ns: $ns, id: r.id})
           SET m.tenant_id = r.tenant_id, m.cube_id = r.cube_id, m.user_id = r.user_id,
               m.session_id = r.session_id, m.status = r.status, m.memory_type = r.memory_type,
               m.created_at = r.created_at, m.updated_at = r.updated_at, m.item = r.item,
               m.preceding_id = r.preceding_id, m.pending_index = true
           WITH m, r
           OPTIONAL MATCH (t:MemoryTombstone {ns: $ns, id: r.id})
           WITH m, r, t WHERE t IS NOT NULL
           DETACH DELETE m
           RETURN r.id AS id`,
          { rows: part.filter((r) => !refused.has(r.id)) },
        );
        for (const rec of raced.records) refused.add(rec.get('id') as string);
      }
      return [...refused];
    });
  }

  async getByIds(ids: string[]): Promise<MemoryItem[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    const byId = new Map<string, MemoryItem>();
    for (const part of chunks(unique, 5000)) {
      const r = await this.db.read<{ id: string; item: string }>(
        `MATCH (m:Memory {ns: $ns}) WHERE m.id IN $ids RETURN m.id AS id, m.item AS item`,
        { ids: part },
      );
      for (const rec of r.records) byId.set(rec.get('id'), parse(rec.get('item')));
    }
    // Caller's order, each id once.
    return unique.flatMap((id) => {
      const item = byId.get(id);
      return item ? [item] : [];
    });
  }

  async list(query: ListQuery): Promise<ListResult> {
    const params = {
      tenant: query.tenant_id,
      cubes: query.cube_ids,
      statuses: query.statuses ?? ['activated'],
    };
    if (query.cube_ids.length === 0) return { items: [], total: 0 };
    const offset = Math.max(0, query.offset ?? 0);
    const limit = query.limit;
    if (!query.filter) {
      const [count, page] = await Promise.all([
        this.db.read<{ n: number }>(`${LISTED} RETURN count(m) AS n`, params),
        limit !== undefined && limit <= 0
          ? Promise.resolve(undefined)
          : this.db.read<ItemRow>(
              `${LISTED} RETURN m.item AS item ${ORDER} SKIP $offset${limit === undefined ? '' : ' LIMIT $limit'}`,
              { ...params, offset: int(offset), limit: int(limit ?? 0) },
            ),
      ]);
      return {
        items: page ? page.records.map((r) => parse(r.get('item'))) : [],
        total: count.records[0]!.get('n'),
      };
    }
    // Filters can reach any field (info.*, arrays, LIKE): scope in Cypher, then the domain's matcher,
    // so every store shares one implementation of the filter semantics.
    const r = await this.db.read<ItemRow>(`${LISTED} RETURN m.item AS item ${ORDER}`, params);
    const items: MemoryItem[] = [];
    let total = 0;
    for (const rec of r.records) {
      const item = parse(rec.get('item'));
      if (!matchesFilter(item, query.filter)) continue;
      if (total >= offset && (limit === undefined || items.length < limit)) items.push(item);
      total += 1;
    }
    return { items, total };
  }

  /** Per 5,000 ids one transaction: relink the successors, tombstone, delete. */
  async delete(ids: string[]): Promise<DeleteOutcome> {
    const out: DeleteOutcome = { deleted: 0, relinked: [] };
    const at = new Date().toISOString();
    for (const part of chunks([...new Set(ids)], 5000)) {
      const { deleted, relinked } = await this.db.inTransaction(async (run) => {
        const found = await run(`MATCH (m:Memory {ns: $ns}) WHERE m.id IN $ids RETURN m.item AS item`, {
          ids: part,
        });
        const doomed = found.records.map((rec) => {
          const item = parse(rec.get('item') as string);
          return { id: item.id, preceding_id: item.preceding_id ?? null };
        });
        if (doomed.length === 0) return { deleted: 0, relinked: [] as MemoryItem[] };
        const gone = doomed.map((d) => d.id);
        const survivor = survivingPredecessors(doomed);
        // SET first takes the successors' write locks, so the items read are the ones rewritten
        const next = await run(
          `MATCH (s:Memory {ns: $ns}) WHERE s.preceding_id IN $gone AND NOT s.id IN $gone
           SET s.pending_index = true RETURN s.item AS item`,
          { gone },
        );
        const relinkedHere = next.records.map((rec) => {
          const item = parse(rec.get('item') as string);
          return { ...item, preceding_id: item.preceding_id ? survivor(item.preceding_id) : null };
        });
        if (relinkedHere.length)
          await run(
            `UNWIND $rows AS r MATCH (s:Memory {ns: $ns, id: r.id})
             SET s.item = r.item, s.preceding_id = r.preceding_id`,
            {
              rows: relinkedHere.map((it) => ({
                id: it.id,
                preceding_id: it.preceding_id,
                item: JSON.stringify(it),
              })),
            },
          );
        await run(
          `UNWIND $gone AS gid MATCH (m:Memory {ns: $ns, id: gid})
           MERGE (t:MemoryTombstone {ns: $ns, id: gid})
           ON CREATE SET t.tenant_id = m.tenant_id, t.cube_id = m.cube_id, t.deleted_at = $at`,
          { gone, at },
        );
        const del = await run(`MATCH (m:Memory {ns: $ns}) WHERE m.id IN $gone DETACH DELETE m`, { gone });
        return { deleted: del.summary.counters.updates().nodesDeleted, relinked: relinkedHere };
      });
      out.deleted += deleted;
      out.relinked.push(...relinked);
    }
    // a successor relinked in one part and deleted in a later one is gone; a twice relinked one counts once
    const gone = new Set(ids);
    const last = new Map(out.relinked.filter((m) => !gone.has(m.id)).map((m) => [m.id, m]));
    return { deleted: out.deleted, relinked: [...last.values()] };
  }

  async tombstones(ids: string[]): Promise<Tombstone[]> {
    const out: Tombstone[] = [];
    for (const part of chunks([...new Set(ids)], 5000)) {
      const r = await this.db.read<Tombstone>(
        `MATCH (t:MemoryTombstone {ns: $ns}) WHERE t.id IN $ids
         RETURN t.id AS id, t.tenant_id AS tenant_id, t.cube_id AS cube_id, t.deleted_at AS deleted_at`,
        { ids: part },
      );
      out.push(...r.records.map((rec) => rec.toObject()));
    }
    return out;
  }

  async listPendingIndex(limit: number): Promise<MemoryItem[]> {
    if (limit <= 0) return [];
    const r = await this.db.read<ItemRow>(
      `MATCH (m:Memory {ns: $ns, pending_index: true}) RETURN m.item AS item ORDER BY m.id LIMIT $limit`,
      { limit: int(limit) },
    );
    return r.records.map((rec) => parse(rec.get('item')));
  }

  async markIndexed(ids: string[]): Promise<void> {
    for (const part of chunks([...new Set(ids)], 5000)) {
      await this.db.write(`MATCH (m:Memory {ns: $ns}) WHERE m.id IN $ids SET m.pending_index = false`, {
        ids: part,
      });
    }
  }

  async *iterateAll(pageSize: number): AsyncIterable<MemoryItem[]> {
    // Keyset paging on the unique id: stable while other items change between pages.
    let after: string | null = null;
    const n = int(Math.max(1, pageSize));
    for (;;) {
      // Two shapes rather than `$after IS NULL OR …`, so both seek the (ns, id) index.
      const r: { records: { get(k: 'id' | 'item'): string }[] } = await this.db.read<{
        id: string;
        item: string;
      }>(
        `MATCH (m:Memory) WHERE m.ns = $ns AND m.id ${after === null ? 'IS NOT NULL' : '> $after'}
         RETURN m.id AS id, m.item AS item ORDER BY m.id LIMIT $n`,
        { after, n },
      );
      if (r.records.length === 0) return;
      after = r.records[r.records.length - 1]!.get('id');
      yield r.records.map((rec) => parse(rec.get('item')));
    }
  }

  async count(scope?: CubeScope): Promise<number> {
    if (scope && scope.cube_ids.length === 0) return 0;
    const r = scope
      ? await this.db.read<{ n: number }>(`${SCOPE} RETURN count(m) AS n`, {
          tenant: scope.tenant_id,
          cubes: scope.cube_ids,
        })
      : await this.db.read<{ n: number }>(`MATCH (m:Memory {ns: $ns}) RETURN count(m) AS n`);
    return r.records[0]!.get('n');
  }

  /** Deletes every memory and tombstone of this namespace (tests and teardown; not part of the port). */
  async drop(): Promise<void> {
    await this.db.deleteAll('Memory');
    await this.db.deleteAll('MemoryTombstone');
    await this.db.deleteAll('EngramMigration');
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
