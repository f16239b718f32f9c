import { ingestEfficiency, queryEfficiency } from './efficiency';
import type { ConversationResult } from './server-run';
import type { QuestionRun } from './types';

const q = { conversationId: 'c', index: 0, question: 'q', answer: 'a', category: 4, evidence: ['D1:1'], droppedEvidence: [] };
const runs: QuestionRun[] = [10, 20, 30, 40].map((latencyMs) => ({ question: q, latencyMs, ranked: [{ sources: [], tokens: latencyMs }, { sources: [], tokens: 1 }] }));

describe('efficiency', () => {
  it('summarises search latency, returned tokens and items per query', () => {
    const e = queryEfficiency(runs);
    expect(e.search_latency_ms).toMatchObject({ n: 4, mean: 25, p50: 25, max: 40 });
    expect(e.returned_tokens_per_query.mean).toBe(26);
    expect(e.returned_items_per_query).toBe(2);
  });

  it('normalises ingest time per 100 turns and storage per turn', () => {
    const conv = (turns: number, addMs: number, stored: number): ConversationResult => ({
      conversationId: 'c', cube: 'x', runs: [], returnedWithProvenance: 3, returnedTotal: 4, maxReturned: 0, foreignCube: 0, storedTokens: 10 * stored,
      ingest: { addCalls: 1, turns, addMs, waitMs: 5, waitState: 'idle', memoriesReturnedByAdd: stored },
      coverage: { turns, turnsCited: 0, storedMemories: stored, storedWithProvenance: 0, unknownSourceIds: 0, evidenceIds: 0, evidenceCited: 0, questions: 0, questionsAllCited: 0, questionsAnyCited: 0 },
    });
    const e = ingestEfficiency([conv(100, 1000, 20), conv(300, 2000, 60)]);
    expect(e).toMatchObject({ turns: 400, add_calls: 2, ingest_ms_per_100_turns: 750, wait_ms_total: 10, memories_per_turn: 0.2, stored_tokens_per_turn: 2, returned_provenance_share: 0.75 });
  });
});
