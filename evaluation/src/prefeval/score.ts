import { scoreAtK, type RankedSources } from '../metrics/retrieval';
import type { PrefCase } from './types';

export const HIT_KS = [1, 5, 10];

function hits(prefix: string, ranked: RankedSources, gold: ReadonlySet<string>, ks: readonly number[], maxK: number, out: Record<string, number>): void {
  for (const k of ks) out[`${prefix}.hit@${k}`] = scoreAtK(ranked, gold, k).recall_any;
  out[`${prefix}.mrr`] = scoreAtK(ranked, gold, maxK).mrr;
}

/** hit@k and MRR@top_k of the gold preference message, for the server and the BM25 reference. */
export function scoreCase(c: PrefCase, topK: number): Record<string, number> {
  const ks = HIT_KS.filter((k) => k <= topK);
  const gold = new Set(c.item.gold);
  const out: Record<string, number> = {};
  hits('server', c.text, gold, ks, topK, out);
  hits('server_pref_mem', c.pref, gold, ks, topK, out);
  hits('bm25', c.bm25, gold, ks, topK, out);
  if (c.item.partial.length) {
    const partial = new Set(c.item.partial);
    for (const k of ks) out[`server.partial_hit@${k}`] = scoreAtK(c.text, partial, k).recall_any;
  }
  return out;
}

export interface PrefGroup {
  form: string;
  pairs: number;
  topic: string;
  n: number;
  metrics: Record<string, number>;
}

/** Means per form × distractor level, overall (`topic` = "all") and per topic. */
export function aggregate(cases: readonly PrefCase[], topK: number): PrefGroup[] {
  const groups = new Map<string, { form: string; pairs: number; topic: string; rows: Record<string, number>[] }>();
  for (const c of cases) {
    const values = scoreCase(c, topK);
    for (const topic of ['all', c.item.topic]) {
      const key = `${c.item.form}|${c.pairs}|${topic}`;
      const g = groups.get(key) ?? { form: c.item.form, pairs: c.pairs, topic, rows: [] };
      g.rows.push(values);
      groups.set(key, g);
    }
  }
  return [...groups.values()]
    .map((g) => {
      const keys = [...new Set(g.rows.flatMap((r) => Object.keys(r)))];
      const metrics: Record<string, number> = {};
      for (const k of keys) {
        const present = g.rows.filter((r) => k in r);
        metrics[k] = present.reduce((a, r) => a + (r[k] as number), 0) / present.length;
      }
      return { form: g.form, pairs: g.pairs, topic: g.topic, n: g.rows.length, metrics };
    })
    .sort((a, b) => a.form.localeCompare(b.form) || a.pairs - b.pairs || a.topic.localeCompare(b.topic));
}
