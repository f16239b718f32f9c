import { RANK_METRICS, scoreAtK, sessionGold, toSessionLevel, type RankScores } from '../metrics/retrieval';
import { itemsWithinBudget } from '../metrics/token-budget';
import type { QuestionRun, ScoredQuestion, ScoringConfig } from './types';

export const TURN_KS = [1, 5, 10, 25, 50];
// Session level saturates at k >= 25 (19–32 sessions per conversation), benchmarks.md §1.6.
export const SESSION_KS = [1, 5, 10];
export const TOKEN_BUDGETS = [500, 1000, 2000];

/** Ks deeper than what was retrieved would understate the system, so they are not reported. */
export function scoringConfig(topK: number): ScoringConfig {
  return {
    turnKs: TURN_KS.filter((k) => k <= topK),
    sessionKs: SESSION_KS.filter((k) => k <= topK),
    budgets: TOKEN_BUDGETS,
  };
}

function put(values: Record<string, number>, prefix: string, at: string, s: RankScores): void {
  for (const m of RANK_METRICS) values[`${prefix}.${m}@${at}`] = s[m];
}

/** Scores one question at turn level, session level and within token budgets. */
export function scoreQuestion(run: QuestionRun, cfg: ScoringConfig): ScoredQuestion {
  const gold = new Set(run.question.evidence);
  const turnRanked = run.ranked.map((r) => r.sources);
  const values: Record<string, number> = {};
  for (const k of cfg.turnKs) put(values, 'turn', String(k), scoreAtK(turnRanked, gold, k));
  const sessRanked = toSessionLevel(turnRanked);
  const sessGold = sessionGold(gold);
  for (const k of cfg.sessionKs) put(values, 'session', String(k), scoreAtK(sessRanked, sessGold, k));
  const tokens = run.ranked.map((r) => r.tokens);
  for (const b of cfg.budgets) {
    const n = itemsWithinBudget(tokens, b);
    const s = scoreAtK(turnRanked, gold, n);
    values[`budget.evidence_recall@${b}`] = s.evidence_recall;
    values[`budget.recall_any@${b}`] = s.recall_any;
    values[`budget.recall_all@${b}`] = s.recall_all;
    values[`budget.items@${b}`] = n;
  }
  return { conversation: run.question.conversationId, index: run.question.index, category: run.question.category, values };
}

/** Questions that can be scored: at least one evidence id names a turn (benchmarks.md §6.1). */
export function isScorable(run: QuestionRun): boolean {
  return run.question.evidence.length > 0;
}
