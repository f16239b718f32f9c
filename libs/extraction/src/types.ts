import type { MessageWindow, SourceRef } from '@engram/domain';
import type { LlmUsage } from '@engram/ports';

export type Lang = 'en' | 'zh';
export type FineMemoryType = 'LongTermMemory' | 'UserMemory';
export type MemoryOrigin = 'chat' | 'image' | 'document';

export interface ExtractRequest {
  tenant_id: string;
  /** Fast-mode windows (consecutive messages with stable ids). */
  windows: MessageWindow[];
  /** Tag vocabulary suggested to the model (MemOS `custom_tags`), added to the extractor's defaults. */
  custom_tags?: string[];
  /** Forces the prompt language; by default each window's language is detected from its text. */
  lang?: Lang;
  signal?: AbortSignal;
}

export interface ExtractedMemory {
  memory: string;
  key: string;
  memory_type: FineMemoryType;
  tags: string[];
  /** Event time (ISO date, or reduced precision YYYY-MM / YYYY); null when unknown. */
  valid_from: string | null;
  /** Where valid_from came from: the model, the deterministic relative-date resolver, or nowhere. */
  time_source: 'model' | 'resolver' | null;
  /** The cited input messages (or document chunks, `<message_id>#chunk-<i>`). */
  sources: SourceRef[];
  /** The summary of the call that produced it (MemOS `background`). */
  background: string;
  lang: Lang;
  origin: MemoryOrigin;
  window_index: number;
  /** Document chunks this memory was extracted from: link SUMMARY (memory→chunk) / MATERIAL (chunk→memory). */
  chunk_ids: string[];
  extractor: { model: string; prompt_version: string };
}

/** A piece of a shared document, to be stored as a RawFileMemory. */
export interface DocumentChunk {
  /** `<message_id>#chunk-<index>`; memories cite it. */
  id: string;
  message_id: string;
  index: number;
  total: number;
  text: string;
  /** Headings (Markdown), element path (XML) or key path (JSON) the chunk sits under. */
  heading_path: string[];
  preceding_id: string | null;
  following_id: string | null;
  tokens: number;
  format: DocumentFormat;
  filename: string | null;
  window_index: number;
  source: SourceRef;
}

export type DocumentFormat = 'markdown' | 'xml' | 'json' | 'text';

export interface SkippedFile {
  message_id: string;
  filename: string | null;
  reason: string;
}

export interface ExtractionResult {
  memories: ExtractedMemory[];
  /** Summaries of the conversation windows, joined. */
  summary: string;
  /** Language of the input as a whole. */
  lang: Lang;
  /** Extractor model (image memories record the vision model in their own `extractor`). */
  model: string;
  prompt_version: string;
  chunks: DocumentChunk[];
  /** True when images were present but no vision model is configured: tag the fast memory `vision:unavailable`. */
  vision_unavailable: boolean;
  unprocessed_images: { message_id: string; window_index: number }[];
  /** Files that cannot be read (binary format, too large, blocked address, no data) — permanent, not retried. */
  skipped_files: SkippedFile[];
  llm_calls: number;
  usage: LlmUsage;
}
