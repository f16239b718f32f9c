/**
 * Message keys. Kafka orders messages per partition and partitions by key, so the key decides what
 * stays in order: everything about one cube (raw input, candidates, memory changes) is keyed by
 * tenant and cube; a task's events by tenant and task. Keys only route: consumers read tenant and ids
 * from the event body, never by parsing a key.
 */
export function cubeKey(tenantId: string, cubeId: string): string {
  return `${tenantId}:${cubeId}`;
}

export function taskKey(tenantId: string, taskId: string): string {
  return `${tenantId}:${taskId}`;
}
