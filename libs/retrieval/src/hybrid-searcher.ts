import { type FilterNode, type MemoryItem, type MemoryType, matchesFilter } from '@engram/domain';
import type { Embedder, GraphStore, LexicalIndex, MemoryRecordStore, VectorIndex } from '@engram/ports';
import { entityId } from '@engram/ports';
import { contentTerms, extractEntities } from '@engram/reader';
import { type DiversityCandidate, MEMOS_MMR, mmrSelect, simDedup } from './mmr';
import {
  DEFAULT_SCORING,
  type RelevanceFeatures,
  type ScoringModel,
  relativity,
  saturateBm25,
  termCoverage,
} from './scoring';
import { cosine } from './vector-math';

export type BucketKind = 'text' | 'pref' | 'tool' | 'skill';
export type DedupMode = 'no' | 'sim' | 'mmr';
export type RecallPath = 'bm25' | 'vector' | 'graph';

export interface HybridSearchRequest {
  tenant_id: string;
  cube_ids: string[];
  query: string;
  top_k: number;
  /** Minimum relativity in [0, 1]; 0 disables. */
  relativity: number;
  dedup: DedupMode;
  /** One filter for every cube, or one per cube id. */
  filter: FilterNode | null | Map<string, FilterNode | null>;
  /** Memories of this session get a small priority boost. */
  session_id?: string;
  memory_types?: MemoryType[];
  quotas: { pref: number; tool: number; skill: number };
  /** The query's vector when the caller already has it (from the same embedder); else it is embedded here. */
  query_vector?: Float32Array;
}

export interface ScoredMemory {
  item: MemoryItem;
  relativity: number;
  features: RelevanceFeatures;
  recalled_by: RecallPath[];
}

export interface SearchBucket {
  kind: BucketKind;
  cube_id: string;
  memories: ScoredMemory[];
}

export interface HybridSearchResult {
  buckets: SearchBucket[];
  /** Candidates considered before thresholds, for diagnostics. */
  candidates: number;
}

export interface SearcherDeps {
  records: MemoryRecordStore;
  lexical: LexicalIndex;
  vectors: VectorIndex;
  graph: GraphStore;
  embedder: Embedder;
  scoring?: ScoringModel;
}

export function bucketKind(t: MemoryType): BucketKind {
  if (t === 'PreferenceMemory') return 'pref';
  if (t === 'ToolSchemaMemory' || t === 'ToolTrajectoryMemory') return 'tool';
  if (t === 'SkillMemory') return 'skill';
  return 'text';
}

interface Candidate {
  paths: Set<RecallPath>;
  bm25: number;
}

/**
 * Hybrid recall (BM25 + vector + graph) → feature scoring (one calibrated relativity for every path)
 * → graph neighbour expansion of the best hits → threshold → dedup (no / sim / MMR) within quotas.
 */
export class HybridSearcher {
  private readonly scoring: ScoringModel;

  constructor(private readonly deps: SearcherDeps) {
    this.scoring = deps.scoring ?? DEFAULT_SCORING;
  }

  async search(req: HybridSearchRequest): Promise<HybridSearchResult> {
    const scope = { tenant_id: req.tenant_id, cube_ids: req.cube_ids };
    const hasFilter =
      req.filter instanceof Map ? [...req.filter.values()].some(Boolean) : Boolean(req.filter);
    const pool = Math.max(40, req.top_k * 4) * (hasFilter ? 4 : 1);
    const queryTerms = contentTerms(req.query);
    const queryEntities = [...new Set([...extractEntities(req.query), ...queryTerms])];
    // The embedder works off this thread (the ONNX worker), so it is started first and the lexical and
    // graph lookups, which do not need the query vector, run while it computes.
    const embedded = req.query_vector
      ? Promise.resolve([req.query_vector])
      : this.deps.embedder.embed([req.query], 'query');
    const [lex, [qvec, vec], ent] = await Promise.all([
      this.deps.lexical.search(scope, req.query, pool),
      embedded.then(async ([v]) => [v!, await this.deps.vectors.search(scope, v!, pool)] as const),
      queryEntities.length
        ? this.deps.graph.memoriesMentioning(scope, queryEntities.map(entityId), Math.ceil(pool / 2))
        : Promise.resolve([]),
    ]);
    const found = new Map<string, Candidate>();
    const note = (id: string, path: RecallPath, bm25 = 0) => {
      const c = found.get(id) ?? { paths: new Set<RecallPath>(), bm25: 0 };
      c.paths.add(path);
      c.bm25 = Math.max(c.bm25, bm25);
      found.set(id, c);
    };
    for (const h of lex) note(h.id, 'bm25', h.score);
    for (const h of vec) note(h.id, 'vector');
    for (const h of ent) note(h.memory_id, 'graph');

    // Vectors fetched for scoring are kept for the dedup step, which would otherwise read them again.
    const vectors = new Map<string, Float32Array>();
    let scored = await this.score(req, found, qvec, queryTerms, queryEntities, vectors);
    // Graph neighbours of the best hits (adjacent windows, derived memories) get their own scores.
    const seeds = scored.slice(0, Math.min(8, req.top_k)).map((s) => s.item.id);
    if (seeds.length) {
      const edges = await this.deps.graph.neighbors(seeds, [
        'FOLLOWS',
        'PRECEDING',
        'FOLLOWING',
        'DERIVED_FROM',
        'RELATED',
      ]);
      const extra = new Map<string, Candidate>();
      for (const e of edges) {
        for (const id of [e.from, e.to]) {
          if (!found.has(id) && !extra.has(id) && !id.startsWith('entity:'))
            extra.set(id, { paths: new Set(['graph']), bm25: 0 });
        }
      }
      if (extra.size)
        scored = [...scored, ...(await this.score(req, extra, qvec, queryTerms, queryEntities, vectors))];
      scored.sort((a, b) => b.relativity - a.relativity);
    }
    const candidates = scored.length;
    const kept = req.relativity > 0 ? scored.filter((s) => s.relativity >= req.relativity) : scored;
    return { buckets: await this.select(req, kept, vectors), candidates };
  }

  private async score(
    req: HybridSearchRequest,
    found: Map<string, Candidate>,
    qvec: Float32Array,
    queryTerms: string[],
    queryEntities: string[],
    vectors: Map<string, Float32Array>,
  ): Promise<ScoredMemory[]> {
    const ids = [...found.keys()];
    if (!ids.length) return [];
    const cubes = new Set(req.cube_ids);
    const items = (await this.deps.records.getByIds(ids)).filter(
      (it) =>
        it.status === 'activated' &&
        it.tenant_id === req.tenant_id &&
        cubes.has(it.cube_id) &&
        (!req.memory_types || req.memory_types.includes(it.memory_type)) &&
        matchesFilter(it, req.filter instanceof Map ? (req.filter.get(it.cube_id) ?? null) : req.filter),
    );
    for (const [id, v] of await this.deps.vectors.getVectors(items.map((i) => i.id))) vectors.set(id, v);
    const out: ScoredMemory[] = [];
    for (const item of items) {
      const c = found.get(item.id)!;
      const v = vectors.get(item.id);
      const terms = new Set(
        contentTerms(`${item.memory} ${item.key} ${item.tags.filter((t) => !t.includes(':')).join(' ')}`),
      );
      const features: RelevanceFeatures = {
        cosine: v ? cosine(qvec, v) : 0,
        coverage: termCoverage(queryTerms, terms),
        entities: queryEntities.length
          ? queryEntities.filter((e) => terms.has(e)).length / queryEntities.length
          : 0,
        bm25: saturateBm25(c.bm25, this.scoring.bm25K),
        sameSession: req.session_id && item.session_id === req.session_id ? 1 : 0,
      };
      out.push({ item, features, relativity: relativity(features, this.scoring), recalled_by: [...c.paths] });
    }
    return out.sort((a, b) => b.relativity - a.relativity);
  }

  private async select(
    req: HybridSearchRequest,
    scored: ScoredMemory[],
    known: Map<string, Float32Array>,
  ): Promise<SearchBucket[]> {
    const quota = (kind: BucketKind) => (kind === 'text' ? req.top_k : req.quotas[kind]);
    const bucketOf = (s: ScoredMemory) => `${bucketKind(s.item.memory_type)}\u0000${s.item.cube_id}`;
    const quotas = new Map<string, number>();
    for (const s of scored) quotas.set(bucketOf(s), quota(bucketKind(s.item.memory_type)));

    let chosen: ScoredMemory[];
    if (req.dedup === 'no') {
      const used = new Map<string, number>();
      chosen = scored.filter((s) => {
        const b = bucketOf(s);
        const n = used.get(b) ?? 0;
        if (n >= (quotas.get(b) ?? 0)) return false;
        used.set(b, n + 1);
        return true;
      });
    } else {
      // Diversify within a pool of 3× quota per bucket, as MemOS does.
      const pool = new Map<string, number>();
      const limited = scored.filter((s) => {
        const b = bucketOf(s);
        const n = pool.get(b) ?? 0;
        if (n >= 3 * (quotas.get(b) ?? 0)) return false;
        pool.set(b, n + 1);
        return true;
      });
      const missing = limited.map((s) => s.item.id).filter((id) => !known.has(id));
      const vectors = missing.length
        ? new Map([...known, ...(await this.deps.vectors.getVectors(missing))])
        : known;
      const byId = new Map(limited.map((s) => [s.item.id, s]));
      const cands: DiversityCandidate[] = limited.map((s) => ({
        id: s.item.id,
        text: s.item.memory,
        relevance: s.relativity,
        bucket: bucketOf(s),
        vector: vectors.get(s.item.id) ?? new Float32Array(this.deps.vectors.dimension),
      }));
      const picked = req.dedup === 'mmr' ? mmrSelect(cands, quotas, MEMOS_MMR) : simDedup(cands, quotas);
      chosen = picked.map((c) => byId.get(c.id)!);
    }
    const buckets = new Map<string, SearchBucket>();
    for (const cube of req.cube_ids) {
      for (const kind of ['text', 'pref', 'tool', 'skill'] as const) {
        buckets.set(`${kind}\u0000${cube}`, { kind, cube_id: cube, memories: [] });
      }
    }
    for (const s of chosen) buckets.get(bucketOf(s))?.memories.push(s);
    for (const b of buckets.values()) b.memories.sort((x, y) => y.relativity - x.relativity);
    return [...buckets.values()];
  }
}
