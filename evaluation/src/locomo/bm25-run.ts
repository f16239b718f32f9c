import { Bm25Index } from '../baseline/bm25';
import type { LocomoConversation, LocomoQuestion } from '../data/locomo';
import { countTokens } from '../metrics/tokens';
import type { QuestionRun } from './types';

/**
 * Reference row: Okapi BM25 over the single turns of one conversation, bare question as query
 * (benchmarks.md §1.6). Documents are the same texts that are ingested into the server.
 */
export function runBm25(conv: LocomoConversation, questions: readonly LocomoQuestion[], topK: number): QuestionRun[] {
  const index = new Bm25Index(conv.turns.map((t) => t.content));
  return questions.map((question) => {
    const t0 = performance.now();
    const hits = index.search(question.question, topK);
    const latencyMs = performance.now() - t0;
    const ranked = hits.map((h) => {
      const turn = conv.turns[h.index];
      return { sources: turn ? [turn.diaId] : [], tokens: turn ? countTokens(turn.content) : 0 };
    });
    return { question, ranked, latencyMs };
  });
}

/** Upper bound: the gold turns themselves, one per rank (recall_all@1 is below 1 when |E| > 1). */
export function runOracle(conv: LocomoConversation, questions: readonly LocomoQuestion[]): QuestionRun[] {
  const byId = new Map(conv.turns.map((t) => [t.diaId, t]));
  return questions.map((question) => ({
    question,
    latencyMs: 0,
    ranked: question.evidence.map((id) => ({ sources: [id], tokens: countTokens(byId.get(id)?.content ?? '') })),
  }));
}
