import { parseLocomo } from '../data/locomo';
import { tinyLocomo } from '../data/locomo.fixture';
import { locomoMarkdown } from '../report/locomo-md';
import { evaluateLocomo } from './evaluate';
import { buildLocomoReport } from './report';
import { scoringConfig } from './score';

describe('baseline-only LoCoMo evaluation', () => {
  const [conv] = parseLocomo(tinyLocomo);
  if (!conv) throw new Error('fixture');
  const selection = [{ conversation: conv, questions: conv.questions }];
  const scoring = scoringConfig(5);

  it('scores BM25 and the oracle over scorable questions and builds a report', async () => {
    const ev = await evaluateLocomo(selection, undefined, { topK: 5, mode: 'fast', dedup: 'no', runId: 'r', scoring });
    expect(ev.server).toBeUndefined();
    expect(ev.bm25.runs).toHaveLength(5);
    expect(ev.bm25.scored).toHaveLength(4); // the category-3 question has no evidence
    expect(ev.oracle.scored.every((r) => r.values['turn.recall_any@1'] === 1)).toBe(true);
    // Only "ann" matches (no stemming: "hike" is not "hiking"), and only D1:1 contains it.
    expect(ev.bm25.runs[0]?.ranked[0]?.sources).toEqual(['D1:1']);

    const report = buildLocomoReport(selection, ev, {
      name: 't', date: '2024-01-01', config: {}, data: { file: 'f', sha256: 's' }, git: { commit: 'c', dirty: false },
      bootstrap: { resamples: 50, seed: 1 }, scoring,
    });
    expect(report.counts).toEqual({ conversations: ['conv-x'], questions: 5, scored_primary: 3, scored_adversarial: 1 });
    expect(report.exclusions.map((e) => [e.qa, e.reason])).toEqual([[2, 'no resolvable evidence'], [4, 'evidence id names no turn']]);
    expect(Object.keys(report.systems)).toEqual(['bm25', 'oracle']);
    expect(report.coverage).toBeUndefined();
    const md = locomoMarkdown(report);
    expect(md).toContain('| bm25 | turn | 1 |');
    expect(md).toContain('conv-x qa#2 (cat 3): no resolvable evidence');
  });
});
