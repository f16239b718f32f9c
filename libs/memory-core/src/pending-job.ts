import type { ChatMessage, MemoryItem, MessageRole } from '@engram/domain';
import type { ExtractionJob } from './extraction-dispatch';

const ROLES = new Set<string>(['system', 'user', 'assistant', 'tool']);

/**
 * An extraction job rebuilt from raw memories left pending (the outbox relay): the messages come from
 * the memories' sources, which keep each message's id, role and text. The mem-reader works from the
 * raw memory ids; the messages are carried for the event's consumers that want them.
 */
export function pendingJob(taskId: string, items: MemoryItem[], customTags: string[]): ExtractionJob {
  const first = items[0]!;
  const byId = new Map<string, ChatMessage>();
  for (const s of items.flatMap((i) => i.sources)) {
    if (byId.has(s.message_id)) continue;
    byId.set(s.message_id, {
      message_id: s.message_id,
      role: (s.role && ROLES.has(s.role) ? s.role : 'user') as MessageRole,
      content: s.content ?? '',
      parts: [],
      index: s.index ?? byId.size,
      ...(s.chat_time ? { chat_time: s.chat_time } : {}),
    });
  }
  const messages = [...byId.values()].sort((a, b) => a.index - b.index);
  return {
    tenant_id: first.tenant_id,
    task_id: taskId,
    user_id: first.user_id,
    session_id: first.session_id,
    ingest_key: first.provenance.ingest_key,
    mode: 'fast',
    messages: messages.length
      ? messages
      : [{ message_id: first.id, role: 'user', content: first.memory, parts: [], index: 0 }],
    custom_tags: customTags,
    info: first.info,
    raw: items.map((i) => ({ memory_id: i.id, cube_id: i.cube_id })),
  };
}
