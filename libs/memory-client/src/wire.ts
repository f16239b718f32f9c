import {
  memoryItemFromProto,
  type AddRequest,
  type ChatMessage as WireMessage,
  type SearchBucket as WireBucket,
} from '@engram/contracts';
import type { ChatMessage, FilterNode } from '@engram/domain';
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
