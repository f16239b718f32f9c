import { decodeEvent, TOPICS } from '@engram/contracts';
import type { MemoryService } from '@engram/memory-core';
import type { MessageBus, Subscription } from '@engram/ports';
import { publishTask } from './task-events';

/**
 * The mem-reader's consumer: each raw-input event runs fine extraction for its cube's raw memories
 * still pending, then reports the task. The handler resolves only after the fine memories are stored
 * and the task event is acknowledged, so the bus commits the offset after both (at least once; a
 * redelivery finds the raw memories retired and does nothing).
 */
export function subscribeRawInput(
  bus: MessageBus,
  group: string,
  memory: MemoryService,
): Promise<Subscription> {
  return bus.subscribe({
    topic: TOPICS.rawInput,
    groupId: group,
    handler: async (m) => {
      const e = decodeEvent(TOPICS.rawInput, m.value);
      const base = {
        task_id: e.task_id,
        tenant_id: e.tenant_id,
        user_id: e.user_id,
        cube_ids: [e.cube_id],
        label: 'mem_read',
      };
      await publishTask(bus, { ...base, status: 'in_progress' });
      const fine = await memory.extractDispatched({
        ...base,
        raw_ids: e.raw_memory_ids,
        custom_tags: e.custom_tags,
      });
      const rec = memory.tasks.get(e.task_id);
      await publishTask(bus, {
        ...base,
        status: rec?.status === 'failed' ? 'failed' : 'completed',
        ...(rec?.error ? { error: rec.error } : {}),
        detail: { fine: fine.length, ...(rec?.detail ?? {}) },
      });
    },
  });
}
