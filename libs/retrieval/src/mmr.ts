import { combinedTextSimilarity } from './text-similarity';
import { cosine } from './vector-math';

export interface DiversityCandidate {
  id: string;
  text: string;
  /** Relevance in [0, 1] (relativity). */
  relevance: number;
  /** Quota bucket (e.g. `text:<cube>` or `pref:<cube>`). */
  bucket: string;
  vector: Float32Array;
}

export interface MmrParams {
  lambda: number;
  /** Similarity above which redundancy is penalised exponentially. */
  tau: number;
  alpha: number;
  /** Vector similarity above which the text-level near-duplicate check runs. */
  nearDupVector: number;
  /** Combined text similarity at or above which a candidate is a near duplicate. */
  nearDupText: number;
  /** How many top-relevance items are taken before the greedy phase. */
  preselect: number;
}

/** MemOS's constants (search_handler `_mmr_dedup_text_memories`). */
export const MEMOS_MMR: MmrParams = { lambda: 0.8, tau: 0.9, alpha: 10, nearDupVector: 0.9, nearDupText: 0.92, preselect: 2 };

/**
 * MemOS's MMR, reproduced as the baseline: relevance-first preselect, then greedy MMR with an
 * exponential penalty above tau, skipping exact and near duplicates, within per-bucket quotas;
 * finally each bucket is re-sorted by relevance. Returns the selected candidates.
 */
export function mmrSelect(
  candidates: DiversityCandidate[],
  quotas: Map<string, number>,
  params: MmrParams = MEMOS_MMR,
): DiversityCandidate[] {
  const n = candidates.length;
  const sim: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = cosine(candidates[i]!.vector, candidates[j]!.vector);
      sim[i]![j] = s;
      sim[j]![i] = s;
    }
  }
  // eligible() is asked for every candidate on every greedy round: normalised texts and the (costly,
  // character-level) text similarities are computed once per candidate and per pair.
  const normText = candidates.map((c) => norm(c.text));
  const textSim = new Map<number, number>();
  const selected: number[] = [];
  const seenText = new Set<string>();
  const used = new Map<string, number>();
  const room = (i: number) => (used.get(candidates[i]!.bucket) ?? 0) < (quotas.get(candidates[i]!.bucket) ?? 0);
  const take = (i: number) => {
    selected.push(i);
    seenText.add(normText[i]!);
    used.set(candidates[i]!.bucket, (used.get(candidates[i]!.bucket) ?? 0) + 1);
  };
  const highlySimilar = (i: number): boolean => {
    let best = -1;
    let bestS = -Infinity;
    for (const j of selected) if (sim[i]![j]! > bestS) [best, bestS] = [j, sim[i]![j]!];
    if (best < 0 || bestS <= params.nearDupVector) return false;
    let t = textSim.get(i * n + best);
    if (t === undefined) textSim.set(i * n + best, (t = combinedTextSimilarity(candidates[i]!.text, candidates[best]!.text)));
    return t >= params.nearDupText;
  };
  const eligible = (i: number) => !selected.includes(i) && room(i) && !seenText.has(normText[i]!) && !highlySimilar(i);

  const byRelevance = [...candidates.keys()].sort((a, b) => candidates[b]!.relevance - candidates[a]!.relevance);
  const totalQuota = [...quotas.values()].reduce((a, b) => a + b, 0);
  const n0 = Math.min(params.preselect, totalQuota);
  for (const i of byRelevance) {
    if (selected.length >= n0) break;
    if (eligible(i)) take(i);
  }
  for (;;) {
    let best = -1;
    let bestScore = -Infinity;
    for (const i of byRelevance) {
      if (!eligible(i)) continue;
      let m = 0;
      for (const j of selected) m = Math.max(m, sim[i]![j]!);
      const div = m > params.tau ? m * Math.exp(params.alpha * (m - params.tau)) : m;
      const score = params.lambda * candidates[i]!.relevance - (1 - params.lambda) * div;
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    if (best < 0) break;
    take(best);
  }
  // Phase 3: inside each bucket, relevance order.
  const groups = new Map<string, DiversityCandidate[]>();
  for (const i of selected) {
    const c = candidates[i]!;
    groups.set(c.bucket, [...(groups.get(c.bucket) ?? []), c]);
  }
  return [...groups.values()].flatMap((g) => g.sort((a, b) => b.relevance - a.relevance));
}

/**
 * MemOS `sim` dedup: in relevance order, accept a candidate only if its cosine to every accepted
 * item is at most `maxSim`, within bucket quotas.
 */
export function simDedup(candidates: DiversityCandidate[], quotas: Map<string, number>, maxSim = 0.92): DiversityCandidate[] {
  const accepted: DiversityCandidate[] = [];
  const used = new Map<string, number>();
  for (const c of [...candidates].sort((a, b) => b.relevance - a.relevance)) {
    if ((used.get(c.bucket) ?? 0) >= (quotas.get(c.bucket) ?? 0)) continue;
    if (accepted.some((a) => cosine(a.vector, c.vector) > maxSim)) continue;
    accepted.push(c);
    used.set(c.bucket, (used.get(c.bucket) ?? 0) + 1);
  }
  return accepted;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
