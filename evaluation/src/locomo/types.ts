import type { RetrievedMemory } from '../client/types';
import type { LocomoQuestion } from '../data/locomo';

/** One retrieved item as the metrics see it: cited turn ids and its size in tokens. */
export interface RankedItem {
  sources: string[];
  tokens: number;
}

/** The ranked answer of one system to one question. */
export interface QuestionRun {
  question: LocomoQuestion;
  ranked: RankedItem[];
  latencyMs: number;
  /** Full memories (server runs only), kept in memory for the LLM reader, never written out. */
  memories?: RetrievedMemory[];
}

/** A question's metric values, keyed like `turn.recall_any@5`. */
export interface ScoredQuestion {
  conversation: string;
  index: number;
  category: number;
  values: Record<string, number>;
}

export interface ScoringConfig {
  turnKs: number[];
  sessionKs: number[];
  budgets: number[];
}
