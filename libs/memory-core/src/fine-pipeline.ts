import {
  deterministicId,
  type ChatMessage,
  type MemoryItem,
  type MemoryType,
  type MessageWindow,
  type SourceRef,
} from '@engram/domain';
import type { GraphEdge } from '@engram/ports';
import { renderLine } from '@engram/reader';
import type { Indexer } from './indexer';

/** One memory the extractor produced, citing the input it came from. */
export interface ExtractedMemory {
  memory: string;
  key: string;
  memory_type: MemoryType;
  tags: string[];
  valid_from: string | null;
  sources: SourceRef[];
}

export interface WindowExtraction {
  memories: ExtractedMemory[];
  summary: string;
  model: string;
  prompt_version: string;
}

/** What fine mode needs from the extraction feature (implemented over the LLM in libs/extraction). */
export interface WindowExtractor {
  extract(input: { tenant_id: string; windows: MessageWindow[]; custom_tags?: string[] }): Promise<WindowExtraction>;
}

export const TAG_EXTRACT_PENDING = 'extract:pending';
export const TAG_EXTRACT_FAILED = 'extract:failed';
export const TAG_EXTRACT_EMPTY = 'extract:empty';

export interface FineOutcome {
  fine: MemoryItem[];
  /** Why nothing replaced the raw memories, when nothing did. */
  kept_raw_reason?: string;
}

/**
 * Raw → fine: extract from the raw windows, store the fine memories (DERIVED_FROM their raw windows),
 * and only then retire the raw windows (status archived, `evolve_to`, removed from the search indexes but
 * kept in the record store as history). When extraction fails or yields nothing, the raw memories stay
 * searchable and are tagged with the reason.
 */
export class FinePipeline {
  constructor(
    private readonly deps: {
      extractor: WindowExtractor;
      indexer: Indexer;
      clock: () => Date;
    },
  ) {}

  async run(raw: MemoryItem[], customTags: string[] = []): Promise<FineOutcome> {
    const windows = raw.filter((r) => r.tags.includes('mode:fast')).map(windowOf);
    if (!windows.length) return { fine: [], kept_raw_reason: 'no raw windows to extract from' };
    const first = raw[0]!;
    let extraction: WindowExtraction;
    try {
      extraction = await this.deps.extractor.extract({ tenant_id: first.tenant_id, windows, custom_tags: customTags });
    } catch (err) {
      await this.mark(raw, TAG_EXTRACT_FAILED);
      throw err;
    }
    if (!extraction.memories.length) {
      await this.mark(raw, TAG_EXTRACT_EMPTY);
      return { fine: [], kept_raw_reason: 'extraction produced no memories; the raw memories were kept' };
    }
    const now = this.deps.clock().toISOString();
    const rawIds = raw.map((r) => r.id);
    const fine: MemoryItem[] = extraction.memories.map((m, i) => ({
      id: deterministicId(first.tenant_id, first.cube_id, 'fine', rawIds.join(','), String(i), m.memory),
      tenant_id: first.tenant_id,
      cube_id: first.cube_id,
      user_id: first.user_id,
      session_id: first.session_id,
      memory: m.memory,
      key: m.key,
      tags: ['mode:fine', ...m.tags.filter((t) => t !== 'mode:fast')],
      memory_type: m.memory_type,
      status: 'activated',
      sources: m.sources,
      background: extraction.summary,
      confidence: 0.99,
      info: { ...first.info },
      source: first.source,
      is_fast: false,
      valid_from: m.valid_from,
      valid_to: null,
      created_at: now,
      updated_at: now,
      version: 1,
      supersedes: [],
      superseded_by: null,
      supersede_reason: null,
      provenance: {
        ingest_key: first.provenance.ingest_key,
        ...(first.provenance.task_id ? { task_id: first.provenance.task_id } : {}),
        extractor: { model: extraction.model, prompt_version: extraction.prompt_version },
        mode: 'fine',
      },
    }));
    const edges: GraphEdge[] = [];
    for (const f of fine) {
      const cited = new Set(f.sources.map((s) => s.message_id.split('#')[0]));
      for (const r of raw) {
        if (r.sources.some((s) => cited.has(s.message_id))) {
          edges.push({ tenant_id: f.tenant_id, cube_id: f.cube_id, from: f.id, to: r.id, type: 'DERIVED_FROM' });
        }
      }
    }
    await this.deps.indexer.write(fine, edges);
    // Only now that the fine memories are durable and indexed do the raw windows retire.
    const retired = raw.map((r) => ({
      ...r,
      status: 'archived' as const,
      tags: r.tags.filter((t) => !t.startsWith('extract:')),
      evolve_to: fine.map((f) => f.id),
      supersede_reason: 'extract' as const,
      updated_at: now,
    }));
    await this.deps.indexer.write(retired);
    return { fine };
  }

  private async mark(raw: MemoryItem[], tag: string): Promise<void> {
    const now = this.deps.clock().toISOString();
    await this.deps.indexer.write(
      raw.map((r) => ({ ...r, tags: [...r.tags.filter((t) => !t.startsWith('extract:')), tag], updated_at: now })),
    );
  }
}

/** Rebuilds a window's messages from a raw memory's sources (they carry role, time and content). */
export function windowOf(raw: MemoryItem, index = 0): MessageWindow {
  const messages: ChatMessage[] = raw.sources.map((s, i) => ({
    message_id: s.message_id,
    role: (s.role as ChatMessage['role']) ?? 'user',
    content: s.content ?? '',
    parts: s.image_info?.['url'] ? [{ type: 'image_url', url: String(s.image_info['url']) }] : [],
    ...(s.chat_time ? { chat_time: s.chat_time } : {}),
    index: s.index ?? i,
  }));
  return { index, messages, text: raw.memory || messages.map((m) => renderLine(m)).join('\n'), tokens: 0 };
}
