import type { MemoryItem as DomainMemoryItem, SourceRef as DomainSourceRef } from '@engram/domain';
import type { SearchOutcome, TaskRecord } from '@engram/memory-core';
import type { ScoredMemory as DomainScoredMemory } from '@engram/retrieval';
import type { MemoryItem, ScoredMemory, SearchResponse, SourceRef, TaskStatus } from '@engram/contracts';

/** Domain objects onto the generated wire types (field names are the same; nulls become absent). */

function toSourceRef(s: DomainSourceRef): SourceRef {
  return {
    type: s.type,
    message_id: s.message_id,
    role: s.role,
    chat_time: s.chat_time,
    content: s.content,
    doc_path: s.doc_path,
    file_info: s.file_info,
    image_info: s.image_info,
    lang: s.lang,
    index: s.index,
  };
}

export function toMemoryItem(m: DomainMemoryItem): MemoryItem {
  return {
    id: m.id,
    tenant_id: m.tenant_id,
    cube_id: m.cube_id,
    user_id: m.user_id,
    session_id: m.session_id,
    memory: m.memory,
    key: m.key,
    tags: m.tags,
    memory_type: m.memory_type,
    status: m.status,
    sources: m.sources.map(toSourceRef),
    background: m.background,
    confidence: m.confidence,
    info: m.info,
    source: m.source,
    is_fast: m.is_fast,
    valid_from: m.valid_from ?? undefined,
    valid_to: m.valid_to ?? undefined,
    created_at: m.created_at,
    updated_at: m.updated_at,
    version: m.version,
    supersedes: m.supersedes,
    superseded_by: m.superseded_by ?? undefined,
    supersede_reason: m.supersede_reason ?? undefined,
    provenance: {
      ingest_key: m.provenance.ingest_key,
      task_id: m.provenance.task_id,
      extractor: m.provenance.extractor,
      mode: m.provenance.mode,
    },
    preceding_id: m.preceding_id ?? undefined,
    evolve_to: m.evolve_to ?? [],
  };
}

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
