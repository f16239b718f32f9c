import { decodeEvent, TOPICS } from '@engram/contracts';
import type { MemoryService } from '@engram/memory-core';
import type { MessageBus, RetryPolicy, Subscription } from '@engram/ports';
import { REPLAY_HEADERS, publishTask } from '@engram/scheduler';

/**
 * Extraction retries: a failed extraction (LLM down, timeouts after the client's own retries) is
 * retried by the bus with backoff while the message holds its partition (a cube's inputs stay in
 * order); after the last attempt the task is reported failed and the raw-input event dead-lettered.
 */
export const EXTRACTION_RETRY: RetryPolicy = {
  maxAttempts: 4,
  initialBackoffMs: 2_000,
  maxBackoffMs: 30_000,
  multiplier: 3,
};

/**
 * The mem-reader's consumer: each raw-input event runs fine extraction for its cube's raw memories
 * still pending, then reports the task. The handler resolves only after the fine memories are stored
 * and the task event is acknowledged, so the bus commits the offset after both (at least once; a
 * redelivery finds the raw memories retired and does nothing). Raw memories deleted before extraction
 * ran make the task `cancelled`.
 */
export function subscribeRawInput(
  bus: MessageBus,
  group: string,
  memory: MemoryService,
  retry: RetryPolicy = EXTRACTION_RETRY,
): Promise<Subscription> {
  return bus.subscribe({
    topic: TOPICS.rawInput,
    groupId: group,
    retry,
    handler: async (m) => {
      const e = decodeEvent(TOPICS.rawInput, m.value);
      const base = {
        task_id: e.task_id,
        tenant_id: e.tenant_id,
        user_id: e.user_id,
        cube_ids: [e.cube_id],
        label: 'mem_read',
      };
      // a dead-letter replay is a new run of the cube (TaskStateFolder): report which one
      const replay = Number(m.headers[REPLAY_HEADERS.count]) || 0;
      const run = replay ? { replay } : {};
      await publishTask(bus, { ...base, status: 'in_progress', detail: { attempt: m.attempt, ...run } });
      const out = await memory.extractDispatched({
        ...base,
        raw_ids: e.raw_memory_ids,
        custom_tags: e.custom_tags,
      });
      if (out.status === 'failed' && m.attempt < retry.maxAttempts) {
        // the bus retries after a backoff; the raw memories are still pending and searchable
        throw new Error(out.error ?? 'extraction failed');
      }
      await publishTask(bus, {
        ...base,
        status: out.status,
        ...(out.error ? { error: out.error } : {}),
        detail: {
          ...out.detail,
          fine: out.fine.length,
          memory_ids: out.fine.map((f) => f.id),
          attempts: m.attempt,
          ...run,
        },
      });
      // dead-letter the input after the last failed attempt (kept for inspection and replay)
      if (out.status === 'failed') throw new Error(out.error ?? 'extraction failed');
    },
  });
}
