import type { SearchOutcome, TaskRecord } from '@engram/memory-core';
import type { ScoredMemory as DomainScoredMemory } from '@engram/retrieval';
import {
  memoryItemToProto,
  type ScoredMemory,
  type SearchResponse,
  type TaskStatus,
} from '@engram/contracts';

/** Search results and task records onto the generated wire types (items through the contracts codec). */

/** The domain item as its proto message (one codec, in contracts). */
export const toMemoryItem = memoryItemToProto;

function toScoredMemory(s: DomainScoredMemory): ScoredMemory {
  return {
    memory: toMemoryItem(s.item),
    relativity: s.relativity,
    features: {
      cosine: s.features.cosine,
      coverage: s.features.coverage,
      entities: s.features.entities,
      bm25: s.features.bm25,
      same_session: s.features.sameSession,
    },
    recalled_by: s.recalled_by,
  };
}

export function toSearchResponse(outcome: SearchOutcome, message: string): SearchResponse {
  return {
    buckets: outcome.buckets.map((b) => ({
      kind: b.kind,
      cube_id: b.cube_id,
      memories: b.memories.map(toScoredMemory),
    })),
    took_ms: outcome.took_ms,
    message,
  };
}

export function toTaskStatus(t: TaskRecord): TaskStatus {
  return {
    task_id: t.task_id,
    status: t.status,
    label: t.label,
    user_id: t.user_id,
    cube_ids: t.cube_ids,
    error: t.error,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}
