import { randomInt, seededRng } from '../util/rng';
import { percentileSorted } from './percentile';

/** One scored question: the cluster it belongs to (a conversation) and its metric values. */
export interface ClusteredRow {
  cluster: string;
  values: Readonly<Record<string, number>>;
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided level, 0.95 by default. */
  level?: number;
}

/**
 * Cluster bootstrap: questions of one conversation are correlated, so resample whole
 * conversations with replacement and recompute the question-weighted mean. All metrics share the
 * same resamples, so one seed gives one consistent set of intervals.
 */
export function clusterBootstrap(rows: readonly ClusteredRow[], keys: readonly string[], opts: BootstrapOptions): Record<string, Interval> {
  const clusters = [...new Set(rows.map((r) => r.cluster))].sort();
  const sums = clusters.map(() => new Float64Array(keys.length));
  const counts = clusters.map(() => 0);
  const index = new Map(clusters.map((c, i) => [c, i]));
  for (const row of rows) {
    const c = index.get(row.cluster) as number;
    counts[c] = (counts[c] as number) + 1;
    const s = sums[c] as Float64Array;
    keys.forEach((k, j) => (s[j] = (s[j] as number) + (row.values[k] ?? 0)));
  }
  const draws = keys.map(() => [] as number[]);
  const rng = seededRng(opts.seed);
  for (let b = 0; b < opts.resamples; b++) {
    const total = new Float64Array(keys.length);
    let n = 0;
    for (let i = 0; i < clusters.length; i++) {
      const c = randomInt(rng, clusters.length);
      n += counts[c] as number;
      const s = sums[c] as Float64Array;
      for (let j = 0; j < keys.length; j++) total[j] = (total[j] as number) + (s[j] as number);
    }
    if (n === 0) continue;
    for (let j = 0; j < keys.length; j++) (draws[j] as number[]).push((total[j] as number) / n);
  }
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  const out: Record<string, Interval> = {};
  keys.forEach((k, j) => {
    const all = rows.reduce((acc, r) => acc + (r.values[k] ?? 0), 0);
    const d = (draws[j] as number[]).sort((a, b) => a - b);
    out[k] = {
      mean: rows.length ? all / rows.length : Number.NaN,
      lo: percentileSorted(d, alpha * 100),
      hi: percentileSorted(d, (1 - alpha) * 100),
    };
  });
  return out;
}
