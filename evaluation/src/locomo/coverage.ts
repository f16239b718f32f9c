import type { LocomoConversation, LocomoQuestion } from '../data/locomo';

export interface CoverageCounts {
  turns: number;
  turnsCited: number;
  storedMemories: number;
  storedWithProvenance: number;
  /** Cited ids that name no turn of the conversation: a sign of invented or foreign provenance. */
  unknownSourceIds: number;
  evidenceIds: number;
  evidenceCited: number;
  questions: number;
  questionsAllCited: number;
  questionsAnyCited: number;
}

/**
 * Extraction coverage (benchmarks.md §6.1 step 6): which gold evidence turns are cited by at
 * least one stored memory. It is the ceiling for any retriever on top of the extractor.
 */
export function coverageCounts(conv: LocomoConversation, questions: readonly LocomoQuestion[], stored: readonly { sources: string[] }[]): CoverageCounts {
  const turnIds = new Set(conv.turns.map((t) => t.diaId));
  const cited = new Set(stored.flatMap((m) => m.sources));
  const evidence = new Set(questions.flatMap((q) => q.evidence));
  return {
    turns: turnIds.size,
    turnsCited: [...turnIds].filter((id) => cited.has(id)).length,
    storedMemories: stored.length,
    storedWithProvenance: stored.filter((m) => m.sources.length > 0).length,
    unknownSourceIds: [...cited].filter((id) => !turnIds.has(id)).length,
    evidenceIds: evidence.size,
    evidenceCited: [...evidence].filter((id) => cited.has(id)).length,
    questions: questions.length,
    questionsAllCited: questions.filter((q) => q.evidence.every((id) => cited.has(id))).length,
    questionsAnyCited: questions.filter((q) => q.evidence.some((id) => cited.has(id))).length,
  };
}

export function sumCoverage(parts: readonly CoverageCounts[]): CoverageCounts {
  const zero: CoverageCounts = {
    turns: 0, turnsCited: 0, storedMemories: 0, storedWithProvenance: 0, unknownSourceIds: 0,
    evidenceIds: 0, evidenceCited: 0, questions: 0, questionsAllCited: 0, questionsAnyCited: 0,
  };
  return parts.reduce((acc, p) => {
    const out = { ...acc };
    for (const k of Object.keys(zero) as (keyof CoverageCounts)[]) out[k] = acc[k] + p[k];
    return out;
  }, zero);
}

export interface CoverageRates {
  turn_coverage: number;
  evidence_coverage: number;
  question_all_cited: number;
  question_any_cited: number;
  stored_provenance_share: number;
  memories_per_turn: number;
}

export function coverageRates(c: CoverageCounts): CoverageRates {
  const div = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  return {
    turn_coverage: div(c.turnsCited, c.turns),
    evidence_coverage: div(c.evidenceCited, c.evidenceIds),
    question_all_cited: div(c.questionsAllCited, c.questions),
    question_any_cited: div(c.questionsAnyCited, c.questions),
    stored_provenance_share: div(c.storedWithProvenance, c.storedMemories),
    memories_per_turn: div(c.storedMemories, c.turns),
  };
}
