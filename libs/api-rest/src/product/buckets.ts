import type { SearchOutcome } from '@engram/memory-core';
import { scoredToWire, type WireMemory } from './format';

export interface CubeBucket {
  cube_id: string;
  memories: WireMemory[];
  total_nodes: number;
}

/** MemOS's search `data`: one bucket per readable cube for each memory kind. */
export function searchData(outcome: SearchOutcome, includePreference: boolean) {
  const pick = (kind: string): CubeBucket[] =>
    outcome.buckets
      .filter((b) => b.kind === kind)
      .map((b) => ({ cube_id: b.cube_id, memories: b.memories.map(scoredToWire), total_nodes: b.memories.length }));
  const pref = pick('pref');
  const prefLines = pref.flatMap((b) => b.memories.map((m) => m.memory));
  const note = prefLines.length
    ? 'Use the user preferences above where they apply; do not mention them unless relevant.'
    : '';
  return {
    text_mem: pick('text'),
    act_mem: [],
    para_mem: [],
    pref_mem: includePreference ? pref : [],
    pref_note: includePreference ? note : '',
    ...(includePreference && prefLines.length
      ? { pref_string: prefLines.map((p, i) => `${i + 1}. ${p}`).join('\n') + `\n${note}` }
      : {}),
    tool_mem: pick('tool'),
    skill_mem: pick('skill'),
  };
}
