import {
  messageFromProto,
  searchFilterFromProto,
  type IngestRequest,
  type RetrievalServiceSearchRequest,
} from '@engram/contracts';
import { MEMORY_TYPES, ValidationError, type MemoryType } from '@engram/domain';
import type { AddCommand, SearchCommand } from '@engram/memory-core';
import type { DedupMode } from '@engram/retrieval';

/**
 * The internal requests (internal.proto) back onto the core's commands: the exact inverse of the
 * gateway's encode (libs/memory-client/src/wire.ts; a round-trip spec there holds them together).
 * Nothing is re-derived: the messages arrive normalised and go to the core as `normalized_messages`.
 */

export function fromIngestRequest(req: IngestRequest): AddCommand {
  const c = req.command;
  if (!c) throw new ValidationError('command is required');
  if (c.mode !== 'fast' && c.mode !== 'fine') throw new ValidationError('mode must be one of fast, fine');
  if (c.async_mode !== 'sync' && c.async_mode !== 'async')
    throw new ValidationError('async_mode must be one of sync, async');
  const messages = c.messages.map((m, i) => messageFromProto(m, `messages[${i}]`));
  return {
    tenant_id: c.tenant_id,
    user_id: c.user_id,
    session_id: c.session_id,
    cube_ids: c.cube_ids,
    messages,
    normalized_messages: messages,
    ...(c.idempotency_key !== undefined ? { idempotency_key: c.idempotency_key } : {}),
    ...(c.task_id !== undefined ? { task_id: c.task_id } : {}),
    custom_tags: c.custom_tags,
    info: c.info ?? {},
    mode: c.mode,
    async_mode: c.async_mode,
  };
}

export function fromSearchRequest(req: RetrievalServiceSearchRequest): SearchCommand {
  const bad = req.memory_types.find((t) => !(MEMORY_TYPES as readonly string[]).includes(t));
  if (bad) throw new ValidationError(`memory_types: unknown type ${bad}`);
  return {
    tenant_id: req.tenant_id,
    user_id: req.user_id,
    query: req.query,
    cube_ids: req.cube_ids,
    top_k: req.top_k,
    relativity: req.relativity,
    dedup: req.dedup as DedupMode,
    filter: searchFilterFromProto(req),
    ...(req.session_id !== undefined ? { session_id: req.session_id } : {}),
    ...(req.memory_types.length ? { memory_types: req.memory_types as MemoryType[] } : {}),
    include_preference: req.include_preference,
    pref_top_k: req.pref_top_k,
    search_tool_memory: req.search_tool_memory,
    tool_mem_top_k: req.tool_mem_top_k,
    include_skill_memory: req.include_skill_memory,
    skill_mem_top_k: req.skill_mem_top_k,
    ...(req.query_embedding.length
      ? { query_embedding: { vector: req.query_embedding, embedder_id: req.embedder_id } }
      : {}),
  };
}
