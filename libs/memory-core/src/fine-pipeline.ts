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

/** A document chunk the extractor parsed out of a file part; stored as a RawFileMemory. */
export interface ExtractedChunk {
  id: string;
  text: string;
  heading_path: string[];
  preceding_id: string | null;
  following_id: string | null;
  filename: string | null;
  source: SourceRef;
}

export interface WindowExtraction {
  memories: (ExtractedMemory & { chunk_ids?: string[] })[];
  summary: string;
  model: string;
  prompt_version: string;
  chunks?: ExtractedChunk[];
  /** Images were present but no vision model is configured. */
  vision_unavailable?: boolean;
}

/** What fine mode needs from the extraction feature (implemented over the LLM in libs/extraction). */
export interface WindowExtractor {
  extract(input: {
    tenant_id: string;
    windows: MessageWindow[];
    custom_tags?: string[];
  }): Promise<WindowExtraction>;
}

export const TAG_EXTRACT_PENDING = 'extract:pending';
export const TAG_EXTRACT_FAILED = 'extract:failed';
export const TAG_EXTRACT_EMPTY = 'extract:empty';
export const TAG_VISION_UNAVAILABLE = 'vision:unavailable';

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

  /**
   * Extracts window by window: each raw window retires as soon as its own fine memories are stored, so a
   * failure in one window keeps only that window raw. Throws after the loop if any window failed.
   */
  async run(raw: MemoryItem[], customTags: string[] = []): Promise<FineOutcome> {
    const candidates = raw.filter((r) => r.tags.includes('mode:fast'));
    if (!candidates.length) return { fine: [], kept_raw_reason: 'no raw windows to extract from' };
    const fine: MemoryItem[] = [];
    const kept: string[] = [];
    const failures: string[] = [];
    for (const r of candidates) {
      try {
        const out = await this.runOne(r, customTags);
        fine.push(...out.fine);
        if (out.kept_raw_reason) kept.push(out.kept_raw_reason);
      } catch (err) {
        await this.mark([r], TAG_EXTRACT_FAILED);
        failures.push((err as Error).message);
      }
    }
    if (failures.length)
      throw new Error(
        `${failures.length} of ${candidates.length} windows failed: ${[...new Set(failures)].join('; ')}`,
      );
    return { fine, ...(kept.length ? { kept_raw_reason: [...new Set(kept)].join('; ') } : {}) };
  }

  private async runOne(r: MemoryItem, customTags: string[]): Promise<FineOutcome> {
    const extraction = await this.deps.extractor.extract({
      tenant_id: r.tenant_id,
      windows: [windowOf(r)],
      custom_tags: customTags,
    });
    if (!extraction.memories.length) {
      await this.mark([r], extraction.vision_unavailable ? TAG_VISION_UNAVAILABLE : TAG_EXTRACT_EMPTY);
      return {
        fine: [],
        kept_raw_reason: extraction.vision_unavailable
          ? 'no vision model configured; the image stays a fast memory'
          : 'extraction produced no memories; the raw memory was kept',
      };
    }
    const now = this.deps.clock().toISOString();
    const derived = (
      memory: string,
      key: string,
      extra: Partial<MemoryItem>,
      idParts: string[],
    ): MemoryItem => ({
      ...r,
      id: deterministicId(r.tenant_id, r.cube_id, 'fine', r.id, ...idParts),
      memory,
      key,
      status: 'activated',
      background: extraction.summary,
      confidence: 0.99,
      info: { ...r.info },
      is_fast: false,
      valid_to: null,
      created_at: now,
      updated_at: now,
      version: 1,
      supersedes: [],
      superseded_by: null,
      supersede_reason: null,
      evolve_to: [],
      preceding_id: null,
      provenance: {
        ingest_key: r.provenance.ingest_key,
        ...(r.provenance.task_id ? { task_id: r.provenance.task_id } : {}),
        extractor: { model: extraction.model, prompt_version: extraction.prompt_version },
        mode: 'fine',
      },
      ...extra,
    });
    const chunkIds = new Map<string, string>();
    const chunks = (extraction.chunks ?? []).map((c) => {
      const item = derived(
        c.text,
        c.heading_path.join(' / ') || c.filename || 'document',
        {
          memory_type: 'RawFileMemory',
          tags: ['mode:fine', 'multimodal:file', ...customTags],
          sources: [c.source],
          source: 'file',
          valid_from: null,
        },
        ['chunk', c.id],
      );
      chunkIds.set(c.id, item.id);
      return { c, item };
    });
    for (const { c, item } of chunks)
      item.preceding_id = c.preceding_id ? (chunkIds.get(c.preceding_id) ?? null) : null;
    const memories = extraction.memories.map((m, i) =>
      derived(
        m.memory,
        m.key,
        {
          memory_type: m.memory_type,
          tags: ['mode:fine', ...m.tags.filter((t) => t !== 'mode:fast' && !t.startsWith('extract:'))],
          sources: m.sources,
          valid_from: m.valid_from,
        },
        [String(i), m.memory],
      ),
    );
    const edges: GraphEdge[] = [];
    const edge = (from: string, to: string, type: GraphEdge['type']) =>
      edges.push({ tenant_id: r.tenant_id, cube_id: r.cube_id, from, to, type });
    for (const m of memories) edge(m.id, r.id, 'DERIVED_FROM');
    extraction.memories.forEach((m, i) => {
      for (const cid of m.chunk_ids ?? []) {
        const chunk = chunkIds.get(cid);
        if (!chunk) continue;
        edge(memories[i]!.id, chunk, 'SUMMARY');
        edge(chunk, memories[i]!.id, 'MATERIAL');
      }
    });
    for (const { c, item } of chunks) {
      const next = c.following_id ? chunkIds.get(c.following_id) : undefined;
      if (next) {
        edge(item.id, next, 'FOLLOWING');
        edge(next, item.id, 'PRECEDING');
      }
    }
    const fine = [...memories, ...chunks.map((x) => x.item)];
    await this.deps.indexer.write(fine, edges);
    // Only now that the fine memories are durable and indexed does the raw window retire.
    await this.deps.indexer.write([
      {
        ...r,
        status: 'archived',
        tags: r.tags.filter((t) => !t.startsWith('extract:')),
        evolve_to: fine.map((f) => f.id),
        supersede_reason: 'extract',
        updated_at: now,
      },
    ]);
    return { fine: memories };
  }

  private async mark(raw: MemoryItem[], tag: string): Promise<void> {
    const now = this.deps.clock().toISOString();
    await this.deps.indexer.write(
      raw.map((r) => ({
        ...r,
        tags: [...r.tags.filter((t) => !t.startsWith('extract:')), tag],
        updated_at: now,
      })),
    );
  }
}

/** Rebuilds a window's messages from a raw memory's sources (they carry role, time and content). */
export function windowOf(raw: MemoryItem, index = 0): MessageWindow {
  const messages: ChatMessage[] = raw.sources.map((s, i) => ({
    message_id: s.message_id,
    role: (s.role as ChatMessage['role']) ?? 'user',
    content: raw.tags.includes('multimodal:file') ? '' : (s.content ?? ''),
    parts: s.image_info?.['url']
      ? [{ type: 'image_url', url: String(s.image_info['url']) }]
      : raw.tags.includes('multimodal:file')
        ? [{ type: 'file', file_data: raw.memory, ...(s.doc_path ? { filename: s.doc_path } : {}) }]
        : [],
    ...(s.chat_time ? { chat_time: s.chat_time } : {}),
    index: s.index ?? i,
  }));
  return { index, messages, text: raw.memory || messages.map((m) => renderLine(m)).join('\n'), tokens: 0 };
}
