import type { MemoryItem } from '@engram/domain';
import type { ScoredMemory } from '@engram/retrieval';

/** MemOS's wire shape of a memory: `{id, memory, metadata: {...}, ref_id}`. */
export interface WireMemory {
  id: string;
  memory: string;
  metadata: Record<string, unknown>;
  ref_id: string;
}

export function toWire(item: MemoryItem, extra: Record<string, unknown> = {}): WireMemory {
  const { id, memory, ...rest } = item;
  const refId = `[${id.split('-')[0]}]`;
  return {
    id,
    memory,
    metadata: {
      ...rest,
      ...item.info,
      info: item.info,
      type: item.is_fast ? 'chat' : 'fact',
      id,
      memory,
      ref_id: refId,
      embedding: [],
      usage: [],
      ...extra,
    },
    ref_id: refId,
  };
}

export function scoredToWire(s: ScoredMemory): WireMemory {
  return toWire(s.item, {
    relativity: round(s.relativity),
    score_features: {
      cosine: round(s.features.cosine),
      coverage: round(s.features.coverage),
      entities: round(s.features.entities),
      bm25: round(s.features.bm25),
    },
    recalled_by: s.recalled_by,
  });
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
