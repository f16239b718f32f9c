import type {
  AddRequest,
  ChatMessage as WireMessage,
  MemoryItem as WireItem,
  SearchBucket as WireBucket,
  SourceRef as WireSource,
} from '@engram/contracts';
import type {
  ChatMessage,
  FilterNode,
  MemoryItem,
  MemoryStatus,
  MemoryType,
  SourceRef,
  SourceType,
  SupersedeReason,
} from '@engram/domain';
import type { AddCommand } from '@engram/memory-core';
import type { BucketKind, RecallPath, SearchBucket } from '@engram/retrieval';

/**
 * The gateway's commands onto the internal gRPC requests and back. The gateway has validated and
 * normalised the messages (ids assigned), so the ingestion service writes the same ids it would.
 */

export function toWireMessage(m: ChatMessage): WireMessage {
  return {
    role: m.role,
    content: m.content,
    parts: m.parts.map((p) =>
      p.type === 'image_url'
        ? { image_url: { url: p.url, ...(p.detail !== undefined ? { detail: p.detail } : {}) } }
        : { file: { file_id: p.file_id, filename: p.filename, file_data: p.file_data } },
    ),
    ...(m.chat_time !== undefined ? { chat_time: m.chat_time } : {}),
    message_id: m.message_id,
  };
}

export function toWireAdd(cmd: AddCommand, messages: ChatMessage[]): AddRequest {
  return {
    user_id: cmd.user_id,
    session_id: cmd.session_id,
    writable_cube_ids: cmd.cube_ids,
    messages: messages.map(toWireMessage),
    custom_tags: cmd.custom_tags ?? [],
    info: cmd.info ?? {},
    ...(cmd.task_id ? { task_id: cmd.task_id } : {}),
    mode: cmd.mode,
    async_mode: cmd.async_mode,
  };
}

/** A parsed filter back to the MemOS dict it came from (for `filter_json`). */
export function filterToDict(node: FilterNode): Record<string, unknown> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { [node.kind]: node.children.map(filterToDict) };
    case 'cmp':
      return { [node.field]: { [node.op]: node.value } };
  }
}

export function filterJson(filter: FilterNode | Map<string, FilterNode | null> | null): string {
  if (!filter) return '';
  if (filter instanceof Map) {
    const dict = Object.fromEntries([...filter].map(([cube, f]) => [cube, f ? filterToDict(f) : {}]));
    return JSON.stringify(dict);
  }
  return JSON.stringify(filterToDict(filter));
}

function fromWireSource(s: WireSource): SourceRef {
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

export function fromWireItem(m: WireItem): MemoryItem {
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
    sources: m.sources.map(fromWireSource),
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

export function fromWireBucket(b: WireBucket): SearchBucket {
  return {
    kind: b.kind as BucketKind,
    cube_id: b.cube_id,
    memories: b.memories
      .filter((s) => s.memory !== undefined)
      .map((s) => ({
        item: fromWireItem(s.memory!),
        relativity: s.relativity,
        features: {
          cosine: s.features?.cosine ?? 0,
          coverage: s.features?.coverage ?? 0,
          entities: s.features?.entities ?? 0,
          bm25: s.features?.bm25 ?? 0,
          sameSession: s.features?.same_session ?? 0,
        },
        recalled_by: s.recalled_by as RecallPath[],
      })),
  };
}
