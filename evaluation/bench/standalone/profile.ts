/**
 * Where a search's time goes, measured in-process on the same data dir with the real HybridSearcher:
 * each storage port and the embedder is wrapped in a timer, and whatever is left of the search's wall
 * time is the searcher's own CPU (term extraction, feature scoring, MMR). embed_query is the embedding's
 * wall time, which overlaps the lexical and graph lookups, so the stages can add up to more than total.
 */
import { MemoryService } from '@engram/memory-core';
import type { Embedder, GraphStore, LexicalIndex, MemoryRecordStore, VectorIndex } from '@engram/ports';
import type { WindowOptions } from '@engram/reader';
import { HybridSearcher } from '@engram/retrieval';
import type { BenchConversation } from './corpus';
import { dist, type Dist } from './stats';

export const STAGES = [
  'embed_query',
  'lexical_fts5',
  'vector_hnsw',
  'graph_mentions',
  'graph_neighbors',
  'records_get',
  'vectors_get',
  'searcher_cpu',
  'total',
] as const;
export type Stage = (typeof STAGES)[number];

export const ADD_STAGES = [
  'embed_document',
  'records_lookup',
  'records_upsert',
  'lexical_upsert',
  'vector_upsert',
  'graph_upsert',
  'records_mark_indexed',
  'service_cpu',
  'total',
] as const;
export type AddStage = (typeof ADD_STAGES)[number];

type Timings<S extends string = Stage> = Record<S, number>;

const zeroOf = <S extends string>(stages: readonly S[]): Timings<S> =>
  Object.fromEntries(stages.map((s) => [s, 0])) as Timings<S>;
const zero = (): Timings => zeroOf(STAGES);

/**
 * Wraps one async method so its time is added to `stage`. The embedded stores do their work
 * synchronously inside the call, so call-to-return is their cost even when several are started
 * together in Promise.all; the embedder is truly asynchronous (worker thread), so it is timed to
 * resolution.
 */
function timed<T extends object, S extends string>(
  target: T,
  methods: Partial<Record<keyof T, S>>,
  acc: () => Timings<S>,
  untilResolved = false,
): T {
  return new Proxy(target, {
    get(obj, prop, recv) {
      const value = Reflect.get(obj, prop, recv) as unknown;
      const stage = methods[prop as keyof T];
      if (!stage || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const p = (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        if (!untilResolved) {
          acc()[stage] += performance.now() - t0;
          return p;
        }
        return p.then((r) => {
          acc()[stage] += performance.now() - t0;
          return r;
        });
      };
    },
  });
}

export interface StageReport {
  stage: string;
  mean: number;
  p50: number;
  p95: number;
  /** Share of the mean total. */
  share: number;
}

export interface ProfileReport {
  dedup: 'mmr' | 'no';
  queries: number;
  stages: StageReport[];
  total: Dist;
}

export async function profileSearches(
  deps: {
    records: MemoryRecordStore;
    lexical: LexicalIndex;
    vectors: VectorIndex;
    graph: GraphStore;
    embedder: Embedder;
  },
  scope: { tenant: string; cube: string },
  queries: string[],
  dedup: 'mmr' | 'no',
): Promise<ProfileReport> {
  let current = zero();
  const acc = () => current;
  const searcher = new HybridSearcher({
    records: timed(deps.records, { getByIds: 'records_get' }, acc),
    lexical: timed(deps.lexical, { search: 'lexical_fts5' }, acc),
    vectors: timed(deps.vectors, { search: 'vector_hnsw', getVectors: 'vectors_get' }, acc),
    graph: timed(deps.graph, { memoriesMentioning: 'graph_mentions', neighbors: 'graph_neighbors' }, acc),
    embedder: timed(deps.embedder, { embed: 'embed_query' }, acc, true),
  });
  const rows: Timings[] = [];
  for (const q of queries) {
    current = zero();
    const t0 = performance.now();
    await searcher.search({
      tenant_id: scope.tenant,
      cube_ids: [scope.cube],
      query: q,
      top_k: 10,
      relativity: 0.45,
      dedup,
      filter: null,
      // The gateway's defaults (include_preference, search_tool_memory, include_skill_memory).
      quotas: { pref: 6, tool: 6, skill: 3 },
    });
    current.total = performance.now() - t0;
    // The searcher starts the embedding first and runs the lexical and graph lookups while the ONNX
    // worker computes it, so only the part of embed_query not hidden behind them is on the critical path.
    const sync = STAGES.filter((s) => s !== 'total' && s !== 'searcher_cpu' && s !== 'embed_query').reduce(
      (n, s) => n + current[s],
      0,
    );
    const embedExposed = Math.max(0, current.embed_query - current.lexical_fts5 - current.graph_mentions);
    current.searcher_cpu = Math.max(0, current.total - sync - embedExposed);
    rows.push(current);
  }
  const total = dist(rows.map((r) => r.total));
  return {
    dedup,
    queries: queries.length,
    total,
    stages: STAGES.map((stage) => {
      const d = dist(rows.map((r) => r[stage]));
      return { stage, mean: d.mean, p50: d.p50, p95: d.p95, share: d.mean / total.mean };
    }),
  };
}

export interface AddProfileReport {
  adds: number;
  stages: StageReport[];
  total: Dist;
}

/**
 * The same breakdown for fast-mode adds, through MemoryService.add in-process (what POST /product/add
 * runs, minus HTTP). Each SQLite write commits its own transaction (one WAL fsync each).
 */
export async function profileAdds(
  deps: {
    records: MemoryRecordStore;
    lexical: LexicalIndex;
    vectors: VectorIndex;
    graph: GraphStore;
    embedder: Embedder;
  },
  scope: { tenant: string; cube: string; user: string },
  window: WindowOptions,
  conversations: BenchConversation[],
): Promise<AddProfileReport> {
  let current = zeroOf(ADD_STAGES);
  const acc = () => current;
  const svc = new MemoryService({
    records: timed(
      deps.records,
      { getByIds: 'records_lookup', upsert: 'records_upsert', markIndexed: 'records_mark_indexed' },
      acc,
    ),
    lexical: timed(deps.lexical, { upsert: 'lexical_upsert' }, acc),
    vectors: timed(deps.vectors, { upsert: 'vector_upsert' }, acc),
    graph: timed(deps.graph, { upsertEdges: 'graph_upsert' }, acc),
    embedder: timed(deps.embedder, { embed: 'embed_document' }, acc, true),
    window,
  });
  const rows: Timings<AddStage>[] = [];
  for (const conv of conversations) {
    current = zeroOf(ADD_STAGES);
    const t0 = performance.now();
    await svc.add({
      tenant_id: scope.tenant,
      user_id: scope.user,
      session_id: conv.session_id,
      cube_ids: [scope.cube],
      messages: conv.messages,
      info: {},
      mode: 'fast',
      async_mode: 'sync',
    });
    current.total = performance.now() - t0;
    const io = ADD_STAGES.filter((s) => s !== 'total' && s !== 'service_cpu').reduce(
      (n, s) => n + current[s],
      0,
    );
    current.service_cpu = Math.max(0, current.total - io);
    rows.push(current);
  }
  const total = dist(rows.map((r) => r.total));
  return {
    adds: conversations.length,
    total,
    stages: ADD_STAGES.map((stage) => {
      const d = dist(rows.map((r) => r[stage]));
      return { stage, mean: d.mean, p50: d.p50, p95: d.p95, share: d.mean / total.mean };
    }),
  };
}
