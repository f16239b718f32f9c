import type { RetrievedMemory } from '../client/types';

/** Reader context: one memory per line, prefixed with its source time when the server gave one. */
export function renderContext(memories: readonly RetrievedMemory[]): string {
  if (memories.length === 0) return '(no memories)';
  return memories.map((m) => (m.time ? `- [${m.time}] ${m.text}` : `- ${m.text}`)).join('\n');
}
