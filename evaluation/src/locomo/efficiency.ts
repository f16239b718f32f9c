import { distribution, type Distribution } from '../metrics/percentile';
import type { QuestionRun } from './types';
import type { ConversationResult } from './server-run';

export interface QueryEfficiency {
  search_latency_ms: Distribution;
  returned_tokens_per_query: Distribution;
  returned_items_per_query: number;
}

export interface IngestEfficiency {
  turns: number;
  add_calls: number;
  ingest_ms_per_100_turns: number;
  wait_ms_total: number;
  wait_states: string[];
  memories_returned_by_add: number;
  stored_memories: number;
  memories_per_turn: number;
  stored_tokens_per_turn: number;
  returned_provenance_share: number;
}

export function queryEfficiency(runs: readonly QuestionRun[]): QueryEfficiency {
  return {
    search_latency_ms: distribution(runs.map((r) => r.latencyMs)),
    returned_tokens_per_query: distribution(runs.map((r) => r.ranked.reduce((a, x) => a + x.tokens, 0))),
    returned_items_per_query: runs.length ? runs.reduce((a, r) => a + r.ranked.length, 0) / runs.length : Number.NaN,
  };
}

export function ingestEfficiency(results: readonly ConversationResult[]): IngestEfficiency {
  const turns = results.reduce((a, r) => a + r.ingest.turns, 0);
  const addMs = results.reduce((a, r) => a + r.ingest.addMs, 0);
  const stored = results.reduce((a, r) => a + r.coverage.storedMemories, 0);
  const returned = results.reduce((a, r) => a + r.returnedTotal, 0);
  const withProv = results.reduce((a, r) => a + r.returnedWithProvenance, 0);
  return {
    turns,
    add_calls: results.reduce((a, r) => a + r.ingest.addCalls, 0),
    ingest_ms_per_100_turns: turns ? (addMs / turns) * 100 : Number.NaN,
    wait_ms_total: results.reduce((a, r) => a + r.ingest.waitMs, 0),
    wait_states: [...new Set(results.map((r) => r.ingest.waitState))],
    memories_returned_by_add: results.reduce((a, r) => a + r.ingest.memoriesReturnedByAdd, 0),
    stored_memories: stored,
    memories_per_turn: turns ? stored / turns : Number.NaN,
    stored_tokens_per_turn: turns ? results.reduce((a, r) => a + r.storedTokens, 0) / turns : Number.NaN,
    returned_provenance_share: returned ? withProv / returned : Number.NaN,
  };
}
