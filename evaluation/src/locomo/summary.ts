import { clusterBootstrap, type Interval } from '../metrics/bootstrap';
import type { ScoredQuestion } from './types';

export interface GroupSummary {
  n: number;
  metrics: Record<string, Interval>;
}

export interface SystemSummary {
  /** Categories 1–4: the primary set. */
  overall: GroupSummary;
  byCategory: Record<string, GroupSummary>;
  /** Category 5 (adversarial), reported apart. */
  adversarial: GroupSummary;
  /** Primary-set means per conversation (the spread behind the bootstrap). */
  perConversation: Record<string, { n: number; metrics: Record<string, number> }>;
}

export interface SummaryOptions {
  resamples: number;
  seed: number;
}

export const PRIMARY_CATEGORIES = [1, 2, 3, 4];
export const ADVERSARIAL_CATEGORY = 5;

function group(rows: readonly ScoredQuestion[], keys: readonly string[], opts: SummaryOptions): GroupSummary {
  const clustered = rows.map((r) => ({ cluster: r.conversation, values: r.values }));
  return { n: rows.length, metrics: clusterBootstrap(clustered, keys, opts) };
}

export function summarize(rows: readonly ScoredQuestion[], opts: SummaryOptions): SystemSummary {
  const keys = rows.length ? Object.keys(rows[0]?.values ?? {}) : [];
  const primary = rows.filter((r) => PRIMARY_CATEGORIES.includes(r.category));
  const byCategory: Record<string, GroupSummary> = {};
  for (const c of PRIMARY_CATEGORIES) byCategory[String(c)] = group(primary.filter((r) => r.category === c), keys, opts);
  const perConversation: SystemSummary['perConversation'] = {};
  for (const conv of [...new Set(primary.map((r) => r.conversation))].sort()) {
    const mine = primary.filter((r) => r.conversation === conv);
    const metrics: Record<string, number> = {};
    for (const k of keys) metrics[k] = mine.reduce((a, r) => a + (r.values[k] ?? 0), 0) / mine.length;
    perConversation[conv] = { n: mine.length, metrics };
  }
  return {
    overall: group(primary, keys, opts),
    byCategory,
    adversarial: group(rows.filter((r) => r.category === ADVERSARIAL_CATEGORY), keys, opts),
    perConversation,
  };
}
