import type { LocomoQuestion } from '../data/locomo';
import { isScorable, scoreQuestion, scoringConfig } from './score';
import { summarize } from './summary';
import type { QuestionRun } from './types';

const q = (over: Partial<LocomoQuestion>): LocomoQuestion => ({
  conversationId: 'c1', index: 0, question: 'q', answer: 'a', category: 4, evidence: ['D1:1'], droppedEvidence: [], ...over,
});

describe('scoringConfig', () => {
  it('drops ks deeper than top_k', () => {
    expect(scoringConfig(50)).toEqual({ turnKs: [1, 5, 10, 25, 50], sessionKs: [1, 5, 10], budgets: [500, 1000, 2000] });
    expect(scoringConfig(10).turnKs).toEqual([1, 5, 10]);
    expect(scoringConfig(3)).toMatchObject({ turnKs: [1], sessionKs: [1] });
  });
});

describe('scoreQuestion', () => {
  const run: QuestionRun = {
    question: q({ evidence: ['D1:1', 'D3:2'] }),
    latencyMs: 1,
    ranked: [
      { sources: ['D1:5'], tokens: 400 },
      { sources: ['D1:1'], tokens: 400 },
      { sources: ['D2:2'], tokens: 100 },
      { sources: ['D3:2'], tokens: 100 },
    ],
  };
  const v = scoreQuestion(run, scoringConfig(50)).values;

  it('scores the turn level', () => {
    expect(v['turn.recall_any@1']).toBe(0);
    expect(v['turn.mrr@5']).toBe(0.5);
    expect(v['turn.evidence_recall@5']).toBe(1);
    expect(v['turn.recall_all@5']).toBe(1);
  });

  it('scores the session level on the session-deduplicated list', () => {
    // Sessions: D1 (hit), D2, D3 (hit) after dropping the repeated D1.
    expect(v['session.recall_any@1']).toBe(1);
    expect(v['session.evidence_recall@1']).toBe(0.5);
    expect(v['session.recall_all@5']).toBe(1);
    expect(v['session.ndcg@5']).toBeCloseTo((1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)), 12);
  });

  it('scores within token budgets, cutting at the first overflow', () => {
    expect(v['budget.items@500']).toBe(1);
    expect(v['budget.evidence_recall@500']).toBe(0);
    expect(v['budget.items@1000']).toBe(4);
    expect(v['budget.evidence_recall@1000']).toBe(1);
    expect(v['budget.recall_any@2000']).toBe(1);
  });

  it('marks questions without evidence unscorable', () => {
    expect(isScorable({ ...run, question: q({ evidence: [] }) })).toBe(false);
  });
});

describe('summarize', () => {
  const mk = (conv: string, category: number, hit: number) =>
    scoreQuestion({ question: q({ conversationId: conv, category }), latencyMs: 0, ranked: hit ? [{ sources: ['D1:1'], tokens: 1 }] : [] }, scoringConfig(5));
  const rows = [mk('a', 1, 1), mk('a', 4, 0), mk('b', 2, 1), mk('b', 5, 0), mk('b', 5, 1)];
  const s = summarize(rows, { resamples: 200, seed: 1 });

  it('keeps category 5 apart from the primary set', () => {
    expect(s.overall.n).toBe(3);
    expect(s.overall.metrics['turn.recall_any@1']?.mean).toBeCloseTo(2 / 3, 12);
    expect(s.adversarial.n).toBe(2);
    expect(s.adversarial.metrics['turn.recall_any@1']?.mean).toBe(0.5);
    expect(s.byCategory['1']?.n).toBe(1);
    expect(s.byCategory['3']?.n).toBe(0);
  });

  it('reports per-conversation means and repeats exactly', () => {
    expect(s.perConversation['a']).toEqual({ n: 2, metrics: expect.objectContaining({ 'turn.recall_any@1': 0.5 }) });
    expect(JSON.stringify(summarize(rows, { resamples: 200, seed: 1 }))).toBe(JSON.stringify(s));
  });
});
