import { parseLocomo } from '../data/locomo';
import { tinyLocomo } from '../data/locomo.fixture';
import { coverageCounts, coverageRates, sumCoverage } from './coverage';

describe('extraction coverage', () => {
  const [conv] = parseLocomo(tinyLocomo);
  if (!conv) throw new Error('fixture');
  const questions = conv.questions.filter((q) => q.evidence.length > 0 && q.category !== 5);

  it('counts gold evidence cited by stored memories', () => {
    const c = coverageCounts(conv, questions, [{ sources: ['D1:1'] }, { sources: [] }, { sources: ['D2:1', 'X:1'] }]);
    // Gold ids over scored questions: D1:1, D2:1, D1:2.
    expect(c).toMatchObject({ turns: 3, turnsCited: 2, storedMemories: 3, storedWithProvenance: 2, unknownSourceIds: 1, evidenceIds: 3, evidenceCited: 2, questions: 3, questionsAllCited: 2, questionsAnyCited: 3 });
    const r = coverageRates(c);
    expect(r.evidence_coverage).toBeCloseTo(2 / 3, 12);
    expect(r.memories_per_turn).toBe(1);
    expect(r.question_all_cited).toBeCloseTo(2 / 3, 12);
  });

  it('sums per-conversation counts', () => {
    const c = coverageCounts(conv, questions, [{ sources: ['D1:1'] }]);
    expect(sumCoverage([c, c]).evidenceCited).toBe(2);
    expect(coverageRates(sumCoverage([])).turn_coverage).toBeNaN();
  });
});
