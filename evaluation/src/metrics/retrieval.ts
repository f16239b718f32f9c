/**
 * Rank metrics of benchmarks.md §6.2. A ranked list is given as the source-id set of each
 * retrieved item, best first; an item is a hit when its sources meet the gold set E.
 */
export type RankedSources = readonly (readonly string[])[];

export interface RankScores {
  recall_any: number;
  recall_all: number;
  evidence_recall: number;
  mrr: number;
  ndcg: number;
}

export const RANK_METRICS: readonly (keyof RankScores)[] = ['recall_any', 'recall_all', 'evidence_recall', 'mrr', 'ndcg'];

export function scoreAtK(ranked: RankedSources, gold: ReadonlySet<string>, k: number): RankScores {
  if (gold.size === 0) throw new Error('scoreAtK: empty gold set (exclude such questions before scoring)');
  const covered = new Set<string>();
  let firstHit = 0;
  let dcg = 0;
  const depth = Math.min(k, ranked.length);
  for (let i = 0; i < depth; i++) {
    let newlyCovered = false;
    for (const id of ranked[i] ?? []) {
      if (!gold.has(id)) continue;
      if (firstHit === 0) firstHit = i + 1;
      if (!covered.has(id)) {
        covered.add(id);
        newlyCovered = true;
      }
    }
    // Binary gain, deduplicated by evidence id: a memory counts once, only for ids not yet covered.
    if (newlyCovered) dcg += 1 / Math.log2(i + 2);
  }
  let idcg = 0;
  for (let i = 0; i < Math.min(k, gold.size); i++) idcg += 1 / Math.log2(i + 2);
  return {
    recall_any: firstHit > 0 ? 1 : 0,
    recall_all: covered.size === gold.size ? 1 : 0,
    evidence_recall: covered.size / gold.size,
    mrr: firstHit > 0 ? 1 / firstHit : 0,
    ndcg: idcg > 0 ? dcg / idcg : 0,
  };
}

/** `D12:3` -> `D12`; ids that are not dia_ids stay as they are (they never match gold). */
export function sessionOf(id: string): string {
  const m = /^(D\d+):\d+$/.exec(id);
  return m?.[1] ?? id;
}

/**
 * Session-level view: map sources to sessions and drop items that add no new session.
 * Items without any source are kept as misses, so missing provenance cannot promote later items.
 */
export function toSessionLevel(ranked: RankedSources): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const sources of ranked) {
    const sessions = [...new Set(sources.map(sessionOf))];
    if (sessions.length > 0 && sessions.every((s) => seen.has(s))) continue;
    for (const s of sessions) seen.add(s);
    out.push(sessions);
  }
  return out;
}

export function sessionGold(gold: Iterable<string>): Set<string> {
  return new Set([...gold].map(sessionOf));
}
