import type { MemoryItem } from '@engram/domain';
import type {
  Embedder,
  GraphEdge,
  GraphStore,
  LexicalIndex,
  MemoryRecordStore,
  VectorIndex,
} from '@engram/ports';
import { entityId } from '@engram/ports';
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

/**
 * Writes memories to the system of record first (marked pending), then to every index, then clears
 * the pending mark. A crash in between leaves pending items that `reindexPending` finishes at boot,
 * so no index ever holds a memory the record store does not.
 */
export class Indexer {
  constructor(private readonly deps: IndexDeps) {}

  /** Stores items and indexes them; `vectors`, when given, are aligned with `items`. */
  async write(items: MemoryItem[], extraEdges: GraphEdge[] = [], vectors?: Float32Array[]): Promise<void> {
    if (!items.length) return;
    const given = vectors ? new Map(items.map((m, i) => [m.id, vectors[i]!])) : await this.embedLive(items);
    await this.deps.records.upsert(items);
    await this.indexAll(items, extraEdges, given);
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

  /** Removes memories from every index, then from the record store. */
  async remove(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    await Promise.all([
      this.deps.lexical.delete(ids),
      this.deps.vectors.delete(ids),
      this.deps.graph.deleteNodes(ids),
    ]);
    return this.deps.records.delete(ids);
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
