/**
 * Real score fusion. Every candidate, whichever path recalled it, is scored from the same features
 * of the (query, memory) pair, so `relativity` means the same thing for a BM25 hit, a vector hit and a
 * graph neighbour, and a threshold on it behaves predictably:
 *   relativity = sigmoid(w_cos·(cos − c0) + w_cov·coverage + w_ent·entities + w_bm25·bm25sat + w_sess·sameSession + bias)
 * The weights are a logistic model; defaults were fitted on LoCoMo dev (see docs/adr/0005-retrieval.md).
 */
export interface RelevanceFeatures {
  /** Cosine between query and memory embeddings. */
  cosine: number;
  /** Fraction of the query's content terms found in the memory, in [0, 1]. */
  coverage: number;
  /** Fraction of the query's entities the memory mentions, in [0, 1]. */
  entities: number;
  /** Saturated BM25, s / (s + k), in [0, 1); 0 when BM25 did not recall it. */
  bm25: number;
  /** 1 when the memory belongs to the session the caller prioritises. */
  sameSession: number;
}

export interface ScoringModel {
  wCos: number;
  c0: number;
  wCov: number;
  wEnt: number;
  wBm25: number;
  bm25K: number;
  wSess: number;
  bias: number;
}

export const DEFAULT_SCORING: ScoringModel = {
  wCos: 8,
  c0: 0.22,
  wCov: 2.5,
  wEnt: 0.8,
  wBm25: 1.0,
  bm25K: 8,
  wSess: 0.3,
  bias: -0.3,
};

export function relativity(f: RelevanceFeatures, m: ScoringModel = DEFAULT_SCORING): number {
  const z =
    m.wCos * (f.cosine - m.c0) + m.wCov * f.coverage + m.wEnt * f.entities + m.wBm25 * f.bm25 + m.wSess * f.sameSession + m.bias;
  return 1 / (1 + Math.exp(-z));
}

export const saturateBm25 = (score: number, k: number): number => (score > 0 ? score / (score + k) : 0);

/** Fraction of query terms present in the memory's term set. */
export function termCoverage(queryTerms: string[], memoryTerms: Set<string>): number {
  const uniq = [...new Set(queryTerms)];
  if (uniq.length === 0) return 0;
  let hit = 0;
  for (const t of uniq) if (memoryTerms.has(t)) hit++;
  return hit / uniq.length;
}
