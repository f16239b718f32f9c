import {
  resolveSearchFilter,
  resolveSearchMemoryTypes,
  type AddCommand,
  type SearchCommand,
} from '@engram/memory-core';
import type { AddRequest, SearchRequest } from './schemas';

/** Maps the MemOS add request onto the core's command, honouring deprecated aliases. */
export function toAddCommand(b: AddRequest, tenant: string, idempotencyKey: string | undefined): AddCommand {
  const cubes = b.writable_cube_ids?.length ? b.writable_cube_ids : [b.mem_cube_id ?? b.user_id];
  const messages = b.messages ?? b.memory_content;
  const info = { ...(b.info ?? {}) };
  if (b.source && info['source'] === undefined) info['source_label'] = b.source;
  if (b.manager_user_id) info['manager_user_id'] = b.manager_user_id;
  if (b.project_id) info['project_id'] = b.project_id;
  return {
    tenant_id: tenant,
    user_id: b.user_id,
    session_id: b.session_id ?? 'default_session',
    cube_ids: [...new Set(cubes)],
    messages,
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    ...(b.task_id ? { task_id: b.task_id } : {}),
    ...(b.custom_tags ? { custom_tags: b.custom_tags } : {}),
    info,
    // MemOS: `mode` is honoured only for sync adds; async adds write the fast path first.
    mode: b.async_mode === 'sync' && b.mode === 'fine' ? 'fine' : 'fast',
    async_mode: b.async_mode,
  };
}

/** One dict for every cube or `{cube_id: dict}` per cube (the rule shared with gRPC, in the core). */
export const resolveFilter = resolveSearchFilter;

export function toSearchCommand(b: SearchRequest, tenant: string): SearchCommand {
  const cubes = [...new Set(b.readable_cube_ids?.length ? b.readable_cube_ids : [b.mem_cube_id ?? b.user_id])];
  const memoryTypes = resolveSearchMemoryTypes(b.search_memory_type);
  return {
    tenant_id: tenant,
    user_id: b.user_id,
    query: b.query,
    cube_ids: cubes,
    top_k: b.top_k,
    relativity: b.relativity,
    dedup: b.dedup ?? 'no',
    filter: resolveFilter(b.filter, cubes),
    ...(b.session_id ? { session_id: b.session_id } : {}),
    ...(memoryTypes ? { memory_types: memoryTypes } : {}),
    include_preference: b.include_preference,
    pref_top_k: b.pref_top_k,
    search_tool_memory: b.search_tool_memory,
    tool_mem_top_k: b.tool_mem_top_k,
    include_skill_memory: b.include_skill_memory,
    skill_mem_top_k: b.skill_mem_top_k,
  };
}
