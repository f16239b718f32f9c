import type { LocomoQuestion } from '../data/locomo';
import { scoreQuestion, scoringConfig } from '../locomo/score';
import type { ConversationResult } from '../locomo/server-run';
import type { QuestionRun } from '../locomo/types';
import { failed, formatChecks } from './check';
import { metricInvariants, naiveRecompute } from './invariants';
import { metricSelfTest } from './self-test';
import { resultChecks } from './server-checks';

const question: LocomoQuestion = { conversationId: 'c', index: 0, question: 'q', answer: 'a', category: 4, evidence: ['D1:1', 'D2:1'], droppedEvidence: [] };
const run: QuestionRun = { question, latencyMs: 1, ranked: [{ sources: ['D9:9'], tokens: 5 }, { sources: ['D1:1'], tokens: 5 }] };
const cfg = scoringConfig(50);

describe('smoke checks', () => {
  it('passes its metric self-test', () => {
    const checks = metricSelfTest();
    expect(failed(checks)).toEqual([]);
    expect(formatChecks(checks)).toMatch(/^PASS /);
  });

  it('accepts correctly scored rows and flags tampered ones', () => {
    const row = scoreQuestion(run, cfg);
    expect(failed([...metricInvariants([row], cfg, 's'), naiveRecompute([run], [row], cfg, 's')])).toEqual([]);
    const tampered = { ...row, values: { ...row.values, 'turn.recall_all@5': 1, 'turn.evidence_recall@10': 0.2 } };
    const checks = [...metricInvariants([tampered], cfg, 's'), naiveRecompute([run], [tampered], cfg, 's')];
    expect(failed(checks).map((c) => c.name)).toEqual(['s metric invariants', 's naive recompute']);
  });

  it('fails a server that invents ids, leaks cubes, ignores top_k or stores nothing', () => {
    const good: ConversationResult = {
      conversationId: 'c', cube: 'cube', runs: [run], returnedWithProvenance: 2, returnedTotal: 2, maxReturned: 2, foreignCube: 0, storedTokens: 10,
      ingest: { addCalls: 1, turns: 2, addMs: 1, waitMs: 1, waitState: 'idle', memoriesReturnedByAdd: 2 },
      coverage: { turns: 2, turnsCited: 2, storedMemories: 2, storedWithProvenance: 2, unknownSourceIds: 0, evidenceIds: 2, evidenceCited: 2, questions: 1, questionsAllCited: 1, questionsAnyCited: 1 },
    };
    expect(failed(resultChecks([good], 50))).toEqual([]);
    const bad: ConversationResult = {
      ...good, maxReturned: 60, foreignCube: 1,
      ingest: { ...good.ingest, waitState: 'timeout' },
      coverage: { ...good.coverage, storedMemories: 0, storedWithProvenance: 0, unknownSourceIds: 3 },
    };
    expect(failed(resultChecks([bad], 50)).map((c) => c.name)).toEqual([
      'scheduler wait reaches idle',
      'get_memory lists stored memories',
      'stored memories cite messages',
      'no invented source ids',
      'search respects top_k',
      'search stays in its cube',
    ]);
    const unsupported = resultChecks([{ ...good, ingest: { ...good.ingest, waitState: 'unsupported' } }], 50);
    expect(failed(unsupported)).toEqual([]);
    expect(formatChecks(unsupported)).toContain('WARN scheduler wait endpoint exists');
  });
});
