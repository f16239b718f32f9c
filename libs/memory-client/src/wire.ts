import {
  memoryItemFromProto,
  messageToProto,
  searchFilterToProto,
  type IngestRequest,
  type RetrievalServiceSearchRequest,
  type SearchBucket as WireBucket,
} from '@engram/contracts';
import type { ChatMessage } from '@engram/domain';
import type { AddCommand, SearchCommand } from '@engram/memory-core';
import type { BucketKind, RecallPath, SearchBucket } from '@engram/retrieval';

/**
 * The gateway's commands onto the internal gRPC requests (internal.proto) and back: the core's commands
 * as they are. The gateway has validated and normalised the messages (ids assigned), so the ingestion
 * service uses them as they are and writes the same ids, keys and task id a standalone add would.
 * The inverse (decode) is the internal services' (libs/api-grpc/src/internal/codec.ts); the values
 * themselves (messages, filter trees) go through the one codec in @engram/contracts.
 */

/** An add with its messages normalised by the gateway, as IngestionService.Ingest carries it. */
export function toIngestRequest(cmd: AddCommand, messages: ChatMessage[]): IngestRequest {
  return {
    command: {
      tenant_id: cmd.tenant_id,
      user_id: cmd.user_id,
      session_id: cmd.session_id,
      cube_ids: cmd.cube_ids,
      messages: messages.map(messageToProto),
      ...(cmd.idempotency_key !== undefined ? { idempotency_key: cmd.idempotency_key } : {}),
      ...(cmd.task_id !== undefined ? { task_id: cmd.task_id } : {}),
      custom_tags: cmd.custom_tags ?? [],
      info: cmd.info ?? {},
      mode: cmd.mode,
      async_mode: cmd.async_mode,
    },
  };
}

/** A search command as RetrievalService.Search carries it: filter tree, quotas and all. */
export function toSearchRequest(cmd: SearchCommand): RetrievalServiceSearchRequest {
  return {
    tenant_id: cmd.tenant_id,
    user_id: cmd.user_id,
    query: cmd.query,
    cube_ids: cmd.cube_ids,
    top_k: cmd.top_k,
    relativity: cmd.relativity,
    dedup: cmd.dedup,
    ...searchFilterToProto(cmd.filter),
    ...(cmd.session_id !== undefined ? { session_id: cmd.session_id } : {}),
    memory_types: cmd.memory_types ?? [],
    include_preference: cmd.include_preference,
    pref_top_k: cmd.pref_top_k,
    search_tool_memory: cmd.search_tool_memory,
    tool_mem_top_k: cmd.tool_mem_top_k,
    include_skill_memory: cmd.include_skill_memory,
    skill_mem_top_k: cmd.skill_mem_top_k,
    query_embedding: cmd.query_embedding?.vector ?? [],
    embedder_id: cmd.query_embedding?.embedder_id ?? '',
  };
}

/** A memory item from its proto message (one codec, in contracts). */
export const fromWireItem = memoryItemFromProto;

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
