import { ValidationError } from '@engram/domain';
import type { Embedder } from '@engram/ports';
import type { HybridSearcher } from '@engram/retrieval';
import type { SearchCommand, SearchOutcome } from '../commands';

/** Hybrid search (BM25 + vectors + graph, fused, thresholded, diversified) over the caller's cubes. */
export class SearchMemories {
  constructor(private readonly deps: { searcher: HybridSearcher; embedder: Embedder }) {}

  async execute(cmd: SearchCommand): Promise<SearchOutcome> {
    const started = performance.now();
    if (!cmd.query.trim()) throw new ValidationError('query must not be empty');
    const queryVector = this.queryVector(cmd.query_embedding);
    const result = await this.deps.searcher.search({
      ...(queryVector ? { query_vector: queryVector } : {}),
      tenant_id: cmd.tenant_id,
      cube_ids: cmd.cube_ids,
      query: cmd.query,
      top_k: cmd.top_k,
      relativity: cmd.relativity,
      dedup: cmd.dedup,
      filter: cmd.filter,
      ...(cmd.session_id ? { session_id: cmd.session_id } : {}),
      ...(cmd.memory_types ? { memory_types: cmd.memory_types } : {}),
      quotas: {
        pref: cmd.include_preference ? cmd.pref_top_k : 0,
        tool: cmd.search_tool_memory ? cmd.tool_mem_top_k : 0,
        skill: cmd.include_skill_memory ? cmd.skill_mem_top_k : 0,
      },
    });
    return { buckets: result.buckets, took_ms: performance.now() - started, candidates: result.candidates };
  }

  /** A caller's precomputed query vector, if it is usable here: same embedder, same dimension. */
  private queryVector(q: SearchCommand['query_embedding']): Float32Array | null {
    if (!q || !q.vector.length) return null;
    const { id, dimension } = this.deps.embedder;
    if (q.embedder_id !== id)
      throw new ValidationError(
        `query_embedding was made by ${q.embedder_id || 'an unnamed embedder'}; this index uses ${id}`,
      );
    if (q.vector.length !== dimension)
      throw new ValidationError(
        `query_embedding has ${q.vector.length} dimensions; this index uses ${dimension}`,
      );
    if (!q.vector.every(Number.isFinite))
      throw new ValidationError('query_embedding must hold finite numbers');
    return Float32Array.from(q.vector);
  }
}
