import { deriveKey, type SourceRef } from '@engram/domain';
import { CITATION_INFERRED_TAG, validCitations } from './citations';
import type { RawExtraction } from './output-schema';
import { parseAnchor } from './time/calendar';
import { normaliseEventTime } from './time/event-time';
import type { ExtractedMemory, FineMemoryType, Lang, MemoryOrigin } from './types';

export interface MappingContext {
  origin: MemoryOrigin;
  lang: Lang;
  window_index: number;
  extractor: { model: string; prompt_version: string };
  /** Ids the model may cite, in input order. */
  allowedIds: string[];
  /** Used when a memory cites nothing valid (marked citation:inferred). */
  fallbackIds: string[];
  /** When set, every memory cites exactly these (one image, one chunk): the model's choice is moot. */
  fixedIds?: string[];
  sourceFor(id: string): SourceRef;
  /** chat_time of a cited id, the anchor for relative dates; null when none. */
  timeFor(id: string): string | null;
  /** Whether a relative expression in the memory text may be resolved (not for documents). */
  resolveRelative: boolean;
  extraTags: string[];
  memoryType?: FineMemoryType;
  chunkIdsFor?(ids: string[]): string[];
}

/** Turns validated model output into memories: citations checked, dates normalised, tags merged. */
export function toMemories(raw: RawExtraction, ctx: MappingContext): ExtractedMemory[] {
  return raw.memories.map((m) => {
    let ids = ctx.fixedIds ?? validCitations(m.source_message_ids, ctx.allowedIds);
    const tags = [...m.tags, ...ctx.extraTags];
    if (ids.length === 0) {
      ids = ctx.fallbackIds;
      tags.push(CITATION_INFERRED_TAG);
    }
    const anchor = latest(ids.map((id) => ctx.timeFor(id)));
    const time = normaliseEventTime(m.event_time, ctx.resolveRelative ? m.value : '', parseAnchor(anchor));
    return {
      memory: m.value,
      key: m.key || deriveKey(m.value),
      memory_type: ctx.memoryType ?? m.memory_type,
      tags: uniqueTags(tags),
      valid_from: time.value,
      time_source: time.source,
      sources: ids.map((id) => ctx.sourceFor(id)),
      background: raw.summary,
      lang: ctx.lang,
      origin: ctx.origin,
      window_index: ctx.window_index,
      chunk_ids: ctx.chunkIdsFor ? ctx.chunkIdsFor(ids) : [],
      extractor: ctx.extractor,
    };
  });
}

/** The latest chat_time by instant when parseable, else the last one given. */
function latest(times: (string | null)[]): string | null {
  const present = times.filter((t): t is string => Boolean(t));
  if (!present.length) return null;
  return present.reduce((a, b) => {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    return Number.isNaN(ta) || Number.isNaN(tb) ? b : tb >= ta ? b : a;
  });
}

export function uniqueTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags.map((x) => x.trim()).filter(Boolean)) {
    const k = t.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

/**
 * Overlapping windows can yield the same fact twice: identical texts become one memory with the
 * union of sources and tags (provenance keeps every message it came from).
 */
export function mergeIdentical(memories: ExtractedMemory[]): ExtractedMemory[] {
  const byText = new Map<string, ExtractedMemory>();
  for (const m of memories) {
    const k = `${m.origin}\u0000${m.memory.replace(/\s+/g, ' ').trim().toLowerCase()}`;
    const prev = byText.get(k);
    if (!prev) {
      byText.set(k, { ...m, sources: [...m.sources], tags: [...m.tags], chunk_ids: [...m.chunk_ids] });
      continue;
    }
    const known = new Set(prev.sources.map((s) => s.message_id));
    prev.sources.push(...m.sources.filter((s) => !known.has(s.message_id)));
    prev.tags = uniqueTags([...prev.tags, ...m.tags]);
    prev.chunk_ids = [...new Set([...prev.chunk_ids, ...m.chunk_ids])];
    prev.valid_from ??= m.valid_from;
    prev.time_source ??= m.time_source;
  }
  return [...byText.values()];
}
