import type { QuestionRun, ScoredQuestion, ScoringConfig } from '../locomo/types';
import { check, type Check } from './check';

/** Relations every correct scoring must satisfy, checked on the real rows of the run. */
export function metricInvariants(rows: readonly ScoredQuestion[], cfg: ScoringConfig, system: string): Check[] {
  const problems: string[] = [];
  for (const r of rows) {
    const v = (k: string) => r.values[k] as number;
    const id = `${r.conversation}#${r.index}`;
    for (const [k, x] of Object.entries(r.values)) {
      if (!k.startsWith('budget.items') && !(x >= 0 && x <= 1)) problems.push(`${id} ${k}=${x} outside [0,1]`);
    }
    let prev: number | undefined;
    for (const k of cfg.turnKs) {
      const all = v(`turn.recall_all@${k}`), er = v(`turn.evidence_recall@${k}`), any = v(`turn.recall_any@${k}`);
      if (!(all <= er && er <= any)) problems.push(`${id} @${k}: recall_all ${all} <= evidence_recall ${er} <= recall_any ${any} violated`);
      if (v(`turn.mrr@${k}`) > any) problems.push(`${id} @${k}: MRR > recall_any`);
      if (prev !== undefined && er < prev) problems.push(`${id}: evidence_recall decreases at k=${k}`);
      prev = er;
    }
    const deepest = cfg.turnKs[cfg.turnKs.length - 1];
    for (const b of cfg.budgets) {
      if (deepest !== undefined && v(`budget.evidence_recall@${b}`) > v(`turn.evidence_recall@${deepest}`) + 1e-12) problems.push(`${id}: budget ${b} beats the full list`);
    }
  }
  return [check(`${system} metric invariants`, problems.length === 0, problems.length ? problems.slice(0, 5).join('; ') : `${rows.length} questions`)];
}

/** Recomputes evidence recall naively from the raw ranked lists and compares with the scored rows. */
export function naiveRecompute(runs: readonly QuestionRun[], rows: readonly ScoredQuestion[], cfg: ScoringConfig, system: string): Check {
  const byKey = new Map(rows.map((r) => [`${r.conversation}#${r.index}`, r]));
  const mismatches: string[] = [];
  for (const run of runs) {
    const row = byKey.get(`${run.question.conversationId}#${run.question.index}`);
    if (!row) continue;
    for (const k of cfg.turnKs) {
      const top = run.ranked.slice(0, k);
      const found = run.question.evidence.filter((e) => top.some((t) => t.sources.includes(e))).length;
      const expected = found / run.question.evidence.length;
      const anyExpected = found > 0 ? 1 : 0;
      if (Math.abs(expected - (row.values[`turn.evidence_recall@${k}`] ?? -1)) > 1e-12 || anyExpected !== row.values[`turn.recall_any@${k}`]) {
        mismatches.push(`${row.conversation}#${row.index}@${k}`);
      }
    }
  }
  return check(`${system} naive recompute`, mismatches.length === 0, mismatches.length ? `mismatch at ${mismatches.slice(0, 5).join(', ')}` : 'evidence_recall and recall_any agree');
}
