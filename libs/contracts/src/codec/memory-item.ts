import type {
  MemoryItem,
  MemoryStatus,
  MemoryType,
  SourceRef,
  SourceType,
  SupersedeReason,
} from '@engram/domain';
import type {
  MemoryItem as ProtoMemoryItem,
  SourceRef as ProtoSourceRef,
} from '../generated/engram/v1/memory';

/**
 * The one codec between the domain memory item and its proto message, both ways: the public gRPC API and
 * the internal services encode with it, the gRPC client decodes with it. Field names are the same; a
 * domain null is an absent proto field, and an absent field decodes to the domain's null or default.
 */

export function sourceRefToProto(s: SourceRef): ProtoSourceRef {
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

export function sourceRefFromProto(s: ProtoSourceRef): SourceRef {
  const out: SourceRef = { type: s.type as SourceType, message_id: s.message_id };
  if (s.role !== undefined) out.role = s.role;
  if (s.chat_time !== undefined) out.chat_time = s.chat_time;
  if (s.content !== undefined) out.content = s.content;
  if (s.doc_path !== undefined) out.doc_path = s.doc_path;
  if (s.file_info !== undefined) out.file_info = s.file_info;
  if (s.image_info !== undefined) out.image_info = s.image_info;
  if (s.lang !== undefined) out.lang = s.lang;
  if (s.index !== undefined) out.index = s.index;
  return out;
}

export function memoryItemToProto(m: MemoryItem): ProtoMemoryItem {
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
    sources: m.sources.map(sourceRefToProto),
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

export function memoryItemFromProto(m: ProtoMemoryItem): MemoryItem {
  const p = m.provenance;
  return {
    id: m.id,
    tenant_id: m.tenant_id,
    cube_id: m.cube_id,
    user_id: m.user_id,
    session_id: m.session_id,
    memory: m.memory,
    key: m.key,
    tags: m.tags,
    memory_type: m.memory_type as MemoryType,
    status: m.status as MemoryStatus,
    sources: m.sources.map(sourceRefFromProto),
    background: m.background,
    confidence: m.confidence,
    info: m.info ?? {},
    source: m.source,
    is_fast: m.is_fast,
    valid_from: m.valid_from ?? null,
    valid_to: m.valid_to ?? null,
    created_at: m.created_at,
    updated_at: m.updated_at,
    version: m.version,
    supersedes: m.supersedes,
    superseded_by: m.superseded_by ?? null,
    supersede_reason: (m.supersede_reason as SupersedeReason | undefined) ?? null,
    provenance: {
      ingest_key: p?.ingest_key ?? '',
      ...(p?.task_id ? { task_id: p.task_id } : {}),
      ...(p?.extractor ? { extractor: p.extractor } : {}),
      mode: p?.mode === 'fine' ? 'fine' : 'fast',
    },
    preceding_id: m.preceding_id ?? null,
    ...(m.evolve_to.length ? { evolve_to: m.evolve_to } : {}),
  };
}
