import { assertSafeJsonText, assertSafeText, SEARCH_DEFAULTS, type FilterNode } from '@engram/domain';
import {
  allOf,
  resolveSearchMemoryTypes,
  toDeleteCommand as toSharedDeleteCommand,
  type AddCommand,
  type DeleteCommand,
  type GetMemoriesCommand,
  type SearchCommand,
} from '@engram/memory-core';
import type { DedupMode } from '@engram/retrieval';
import type {
  AddRequest,
  ChatMessage,
  ContentPart,
  DeleteRequest,
  FeedbackRequest,
  ListRequest,
  SearchRequest,
} from '@engram/contracts';
import { filterOf, searchFilterOf } from './filters';

/**
 * gRPC requests onto the core's commands. Messages are handed to the core in their REST (OpenAI) shape,
 * so the core validates them and words its errors the same way for both APIs.
 */

function partToRaw(p: ContentPart): Record<string, unknown> {
  if (p.text !== undefined) return { type: 'text', text: p.text };
  if (p.image_url !== undefined)
    return { type: 'image_url', image_url: { url: p.image_url.url, detail: p.image_url.detail } };
  if (p.file !== undefined)
    return {
      type: 'file',
      file: { file_id: p.file.file_id, filename: p.file.filename, file_data: p.file.file_data },
    };
  return { type: undefined }; // an empty part: the core rejects it with the part's position
}

export function messageToRaw(m: ChatMessage): Record<string, unknown> {
  const content = m.parts.length
    ? [...(m.content ? [{ type: 'text', text: m.content }] : []), ...m.parts.map(partToRaw)]
    : m.content;
  return {
    role: m.role || 'user',
    content,
    ...(m.chat_time !== undefined ? { chat_time: m.chat_time } : {}),
    ...(m.message_id !== undefined ? { message_id: m.message_id } : {}),
  };
}

const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * Ids, tags and `info` are stored and echoed as text: a control character (NUL above all) or a lone
 * surrogate is refused with the field's name, as the REST schemas do.
 */
function assertSafeFields(fields: Record<string, string | string[] | undefined>, info?: unknown): void {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') assertSafeText(value, name);
    else value?.forEach((v, i) => assertSafeText(v, `${name}[${i}]`));
  }
  if (info !== undefined) assertSafeJsonText(info, 'info');
}

export function toAddCommand(r: AddRequest, tenant: string, idempotencyKey: string | undefined): AddCommand {
  assertSafeFields(
    {
      user_id: r.user_id,
      session_id: r.session_id,
      task_id: r.task_id,
      writable_cube_ids: r.writable_cube_ids,
      custom_tags: r.custom_tags,
      idempotency_key: idempotencyKey,
    },
    r.info,
  );
  const asyncMode = r.async_mode === 'sync' ? 'sync' : 'async';
  return {
    tenant_id: tenant,
    user_id: r.user_id,
    session_id: r.session_id ?? 'default_session',
    cube_ids: uniq(r.writable_cube_ids.length ? r.writable_cube_ids : [r.user_id]),
    messages: r.messages.length ? r.messages.map(messageToRaw) : r.memory_content,
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    ...(r.task_id ? { task_id: r.task_id } : {}),
    ...(r.custom_tags.length ? { custom_tags: r.custom_tags } : {}),
    info: { ...(r.info ?? {}) },
    // as REST (MemOS): `mode` is honoured only for sync adds; async adds write the fast path first
    mode: asyncMode === 'sync' && r.mode === 'fine' ? 'fine' : 'fast',
    async_mode: asyncMode,
  };
}

export function toSearchCommand(r: SearchRequest, tenant: string): SearchCommand {
  assertSafeFields({ user_id: r.user_id, session_id: r.session_id, readable_cube_ids: r.readable_cube_ids });
  const cubes = uniq(r.readable_cube_ids.length ? r.readable_cube_ids : [r.user_id]);
  const memoryTypes = resolveSearchMemoryTypes(r.search_memory_type);
  return {
    tenant_id: tenant,
    user_id: r.user_id,
    query: r.query,
    cube_ids: cubes,
    top_k: r.top_k ?? SEARCH_DEFAULTS.topK,
    relativity: r.relativity ?? SEARCH_DEFAULTS.relativity,
    dedup: (r.dedup || SEARCH_DEFAULTS.dedup) as DedupMode,
    filter: searchFilterOf(r, cubes),
    ...(r.session_id ? { session_id: r.session_id } : {}),
    ...(memoryTypes ? { memory_types: memoryTypes } : {}),
    include_preference: r.include_preference ?? true,
    pref_top_k: r.pref_top_k ?? SEARCH_DEFAULTS.prefTopK,
    search_tool_memory: r.search_tool_memory ?? true,
    tool_mem_top_k: r.tool_mem_top_k ?? SEARCH_DEFAULTS.toolTopK,
    include_skill_memory: r.include_skill_memory ?? true,
    skill_mem_top_k: r.skill_mem_top_k ?? SEARCH_DEFAULTS.skillTopK,
  };
}

export function toListCommand(r: ListRequest, tenant: string): GetMemoriesCommand {
  assertSafeFields({ mem_cube_id: r.mem_cube_id });
  const parts: FilterNode[] = [];
  if (r.memory_types.length)
    parts.push({ kind: 'cmp', field: 'memory_type', op: 'in', value: r.memory_types });
  const f = filterOf(r);
  if (f) parts.push(f);
  return {
    tenant_id: tenant,
    cube_ids: [r.mem_cube_id],
    filter: allOf(parts),
    ...(r.page !== undefined ? { page: r.page } : {}),
    ...(r.page_size !== undefined ? { page_size: r.page_size } : {}),
  };
}

/** The REST delete rules (shared in the memory core); proto3 sends an unset list as empty. */
export function toDeleteCommand(r: DeleteRequest, tenant: string): DeleteCommand {
  assertSafeFields({
    memory_ids: r.memory_ids,
    file_ids: r.file_ids,
    user_id: r.user_id,
    session_id: r.session_id,
    writable_cube_ids: r.writable_cube_ids,
  });
  return toSharedDeleteCommand(
    {
      memory_ids: r.memory_ids.length ? r.memory_ids : undefined,
      file_ids: r.file_ids.length ? r.file_ids : undefined,
      filter: filterOf(r),
      user_id: r.user_id,
      session_id: r.session_id,
      writable_cube_ids: r.writable_cube_ids.length ? r.writable_cube_ids : undefined,
    },
    tenant,
  );
}

/**
 * Feedback, until the feedback pipeline exists: the feedback text becomes one fast-mode memory tagged
 * `feedback` (what MemOS does when there is no chat history), with what it was about in `info`.
 */
export function toFeedbackAddCommand(
  r: FeedbackRequest,
  tenant: string,
  idempotencyKey: string | undefined,
): AddCommand {
  assertSafeFields(
    {
      user_id: r.user_id,
      session_id: r.session_id,
      task_id: r.task_id,
      writable_cube_ids: r.writable_cube_ids,
      retrieved_memory_ids: r.retrieved_memory_ids,
      idempotency_key: idempotencyKey,
    },
    r.info,
  );
  return {
    tenant_id: tenant,
    user_id: r.user_id,
    session_id: r.session_id ?? 'default_session',
    cube_ids: uniq(r.writable_cube_ids.length ? r.writable_cube_ids : [r.user_id]),
    messages: [
      {
        role: 'user',
        content: r.feedback_content,
        ...(r.feedback_time ? { chat_time: r.feedback_time } : {}),
      },
    ],
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    ...(r.task_id ? { task_id: r.task_id } : {}),
    custom_tags: ['feedback'],
    info: {
      ...(r.info ?? {}),
      feedback: true,
      ...(r.retrieved_memory_ids.length ? { retrieved_memory_ids: r.retrieved_memory_ids } : {}),
    },
    mode: 'fast',
    async_mode: r.async_mode === 'sync' ? 'sync' : 'async',
  };
}
