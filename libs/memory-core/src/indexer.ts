import type { MemoryItem } from '@engram/domain';
import type {
  Embedder,
  GraphEdge,
  GraphStore,
  LexicalIndex,
  MemoryRecordStore,
  VectorIndex,
} from '@engram/ports';
import { entityId, survivingPredecessors } from '@engram/ports';
import { extractEntities } from '@engram/reader';

export interface IndexDeps {
  records: MemoryRecordStore;
  lexical: LexicalIndex;
  vectors: VectorIndex;
  graph: GraphStore;
  embedder: Embedder;
}

/** The text the lexical index and the embedder see for a memory. */
export const indexText = (m: MemoryItem): string =>
  [
    m.key && !m.memory.startsWith(m.key) ? m.key : '',
    m.memory,
    m.tags.filter((t) => !t.includes(':')).join(' '),
  ]
    .filter(Boolean)
    .join('\n');

/** What a write stored. */
export interface WriteOutcome {
  /** Ids not stored: deleted before (tombstoned), or derived from a deleted memory. */
  refused: string[];
}

/**
 * Writes memories to the system of record first (marked pending), then to every index, then clears
 * the pending mark. A crash in between leaves pending items that `reindexPending` finishes at boot,
 * so no index ever holds a memory the record store does not.
 *
 * Every write passes here, so here deletes stay final: an id with a tombstone is never written again
 * (a retried add, a redelivered extraction, a retirement racing a delete), nor is what a write derives
 * from a deleted memory; a link to a deleted predecessor moves to the nearest surviving one.
 */
export class Indexer {
  constructor(private readonly deps: IndexDeps) {}

  /** Stores items and indexes them; `vectors`, when given, are aligned with `items`. */
  async write(
    items: MemoryItem[],
    extraEdges: GraphEdge[] = [],
    vectors?: Float32Array[],
  ): Promise<WriteOutcome> {
    if (!items.length) return { refused: [] };
    const before = await this.deadAmong(items, extraEdges);
    const refused = new Set(before.refused);
    const kept = relinkPast(items, before.tombstoned, refused).filter((m) => !refused.has(m.id));
    if (kept.length) {
      const given = vectors ? new Map(items.map((m, i) => [m.id, vectors[i]!])) : await this.embedLive(kept);
      // the store refuses, in its own transaction, ids a delete tombstoned since the check above
      for (const id of await this.deps.records.upsert(kept)) refused.add(id);
      const stored = kept.filter((m) => !refused.has(m.id));
      const edges = extraEdges.filter(
        (e) => ![e.from, e.to].some((id) => refused.has(id) || before.tombstoned.has(id)),
      );
      await this.indexAll(stored, edges, given);
      // a delete that landed while this write was indexing may have missed what it just indexed
      const late = await this.deadAmong(stored, edges);
      if (late.refused.size) {
        await this.remove([...late.refused]);
        for (const id of late.refused) refused.add(id);
      }
    }
    return { refused: items.map((m) => m.id).filter((id) => refused.has(id)) };
  }

  /**
   * Of a write: the tombstoned ids it names (items, predecessors, edge targets) and the items it must
   * not store: tombstoned ones, those DERIVED_FROM a tombstoned memory, and the items this write's
   * edges tie to the latter (a deleted raw window's fine memories and document chunks).
   */
  private async deadAmong(
    items: MemoryItem[],
    edges: GraphEdge[],
  ): Promise<{ tombstoned: Set<string>; refused: Set<string> }> {
    const named = new Set<string>();
    for (const m of items) {
      named.add(m.id);
      if (m.preceding_id) named.add(m.preceding_id);
    }
    for (const e of edges) if (e.type === 'DERIVED_FROM') named.add(e.to);
    const tombstoned = new Set((await this.deps.records.tombstones([...named])).map((t) => t.id));
    const inWrite = new Set(items.map((m) => m.id));
    const derived = new Set(
      edges
        .filter((e) => e.type === 'DERIVED_FROM' && inWrite.has(e.from) && tombstoned.has(e.to))
        .map((e) => e.from),
    );
    for (let grew = derived.size > 0; grew;) {
      grew = false;
      for (const e of edges) {
        if (!inWrite.has(e.from) || !inWrite.has(e.to) || derived.has(e.from) === derived.has(e.to)) continue;
        derived.add(e.from).add(e.to);
        grew = true;
      }
    }
    const refused = new Set([...items.map((m) => m.id).filter((id) => tombstoned.has(id)), ...derived]);
    return { tombstoned, refused };
  }

  /**
   * Brings the derived indexes in line with the given records: activated memories are (re)indexed,
   * others (archived, deleted, resolving) are taken out of the search indexes but keep their graph edges.
   */
  async indexAll(
    items: MemoryItem[],
    extraEdges: GraphEdge[] = [],
    vectors?: Map<string, Float32Array>,
  ): Promise<void> {
    const live = items.filter((m) => m.status === 'activated');
    const dead = items.filter((m) => m.status !== 'activated').map((m) => m.id);
    const vecs = new Map(vectors ?? []);
    const missing = live.filter((m) => !vecs.has(m.id));
    for (const [id, v] of await this.embedLive(missing)) vecs.set(id, v);
    const edges: GraphEdge[] = [...extraEdges, ...followEdges(items)];
    for (const m of live) {
      for (const e of extractEntities(`${m.key}\n${m.memory}`)) {
        edges.push({
          tenant_id: m.tenant_id,
          cube_id: m.cube_id,
          from: m.id,
          to: entityId(e),
          type: 'MENTIONS',
        });
      }
    }
    await Promise.all([
      this.deps.lexical.upsert(
        live.map((m) => ({ id: m.id, tenant_id: m.tenant_id, cube_id: m.cube_id, text: indexText(m) })),
      ),
      this.deps.vectors.upsert(
        live.map((m) => ({ id: m.id, tenant_id: m.tenant_id, cube_id: m.cube_id, vector: vecs.get(m.id)! })),
      ),
      this.deps.graph.upsertEdges(edges),
      dead.length ? this.deps.lexical.delete(dead) : Promise.resolve(),
      dead.length ? this.deps.vectors.delete(dead) : Promise.resolve(),
    ]);
    await this.deps.records.markIndexed(items.map((m) => m.id));
  }

  private async embedLive(items: MemoryItem[]): Promise<Map<string, Float32Array>> {
    const live = items.filter((m) => m.status === 'activated');
    if (!live.length) return new Map();
    const vecs = await this.deps.embedder.embed(live.map(indexText), 'document');
    return new Map(live.map((m, i) => [m.id, vecs[i]!]));
  }

  /**
   * Removes memories from every index, then from the record store, which tombstones them and relinks
   * their successors; the successors' FOLLOWS edges follow. Returns how many records went.
   */
  async remove(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    await Promise.all([
      this.deps.lexical.delete(ids),
      this.deps.vectors.delete(ids),
      this.deps.graph.deleteNodes(ids),
    ]);
    const { deleted, relinked } = await this.deps.records.delete(ids);
    if (relinked.length) {
      // the chain stays continuous in the graph too (the store marked them pending until this is done)
      await this.deps.graph.upsertEdges(followEdges(relinked));
      await this.deps.records.markIndexed(relinked.map((m) => m.id));
    }
    return deleted;
  }

  /** Finishes writes interrupted by a crash. Returns how many memories were (re)indexed. */
  async reindexPending(batch = 256): Promise<number> {
    let total = 0;
    for (;;) {
      const pending = await this.deps.records.listPendingIndex(batch);
      if (!pending.length) return total;
      await this.indexAll(pending);
      total += pending.length;
    }
  }

  /** Rebuilds the derived indexes from the system of record. */
  async reindexAll(batch = 256): Promise<number> {
    await Promise.all([this.deps.lexical.clear(), this.deps.vectors.clear(), this.deps.graph.clear()]);
    let total = 0;
    for await (const page of this.deps.records.iterateAll(batch)) {
      await this.indexAll(page);
      total += page.length;
    }
    return total;
  }
}

/** FOLLOWS edges between consecutive raw windows or chunks of the same input. */
export function followEdges(items: MemoryItem[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const m of items) {
    if (m.preceding_id)
      edges.push({
        tenant_id: m.tenant_id,
        cube_id: m.cube_id,
        from: m.preceding_id,
        to: m.id,
        type: 'FOLLOWS',
      });
  }
  return edges;
}

/**
 * The items with every `preceding_id` that names a refused or tombstoned memory moved to the nearest
 * predecessor that is neither (through this write's own items; null past that).
 */
function relinkPast(items: MemoryItem[], tombstoned: Set<string>, refused: Set<string>): MemoryItem[] {
  const dead = [
    ...items
      .filter((m) => refused.has(m.id))
      .map((m) => ({ id: m.id, preceding_id: m.preceding_id ?? null })),
    ...[...tombstoned].filter((id) => !refused.has(id)).map((id) => ({ id, preceding_id: null })),
  ];
  if (!dead.length) return items;
  const survivor = survivingPredecessors(dead);
  return items.map((m) =>
    m.preceding_id && (refused.has(m.preceding_id) || tombstoned.has(m.preceding_id))
      ? { ...m, preceding_id: survivor(m.preceding_id) }
      : m,
  );
}
