/**
 * The one memory model every store holds. MemOS's fields (memory, key, tags, memory_type, status,
 * sources, background, confidence, info, ids, created/updated) plus provenance, event time vs
 * system time, and history links.
 */
export const MEMORY_TYPES = [
  'WorkingMemory',
  'LongTermMemory',
  'UserMemory',
  'OuterMemory',
  'ToolSchemaMemory',
  'ToolTrajectoryMemory',
  'RawFileMemory',
  'SkillMemory',
  'PreferenceMemory',
] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** Text-bucket types (returned in `text_mem`). */
export const TEXT_MEMORY_TYPES: readonly MemoryType[] = [
  'WorkingMemory',
  'LongTermMemory',
  'UserMemory',
  'OuterMemory',
  'RawFileMemory',
];

export const MEMORY_STATUSES = ['activated', 'resolving', 'archived', 'deleted'] as const;
export type MemoryStatus = (typeof MEMORY_STATUSES)[number];

export type SourceType = 'chat' | 'doc' | 'file' | 'image' | 'system' | 'tool';

/** Where a memory came from: one input message (or document chunk). */
export interface SourceRef {
  type: SourceType;
  message_id: string;
  role?: string;
  chat_time?: string;
  content?: string;
  doc_path?: string;
  file_info?: Record<string, unknown>;
  image_info?: Record<string, unknown>;
  lang?: string;
  index?: number;
}

export type SupersedeReason = 'duplicate' | 'contradiction' | 'feedback' | 'extract' | 'update';

export interface Provenance {
  /** The add request that produced this memory (idempotency key or content hash). */
  ingest_key: string;
  task_id?: string;
  /** Extractor identity for fine memories: model and prompt version. */
  extractor?: { model: string; prompt_version: string };
  mode: 'fast' | 'fine';
}

export interface MemoryItem {
  id: string;
  tenant_id: string;
  cube_id: string;
  user_id: string;
  session_id: string;
  memory: string;
  key: string;
  tags: string[];
  memory_type: MemoryType;
  status: MemoryStatus;
  sources: SourceRef[];
  background: string;
  confidence: number;
  info: Record<string, unknown>;
  /** conversation | file | system … as in MemOS `source`. */
  source: string;
  is_fast: boolean;
  /** Event time: when the fact holds. Null when unknown. */
  valid_from: string | null;
  valid_to: string | null;
  /** System time: when we learned it / last changed it. ISO-8601. */
  created_at: string;
  updated_at: string;
  version: number;
  /** History: ids this memory replaced, and what replaced this one and why. */
  supersedes: string[];
  superseded_by: string | null;
  supersede_reason: SupersedeReason | null;
  provenance: Provenance;
  /** For a retired raw memory: the fine memories extracted from it (MemOS `evolve_to`). */
  evolve_to?: string[];
  /** The previous raw window / chunk of the same input (a FOLLOWS edge in the graph). */
  preceding_id?: string | null;
}

/** Fields a caller may filter on besides `info.*` keys. */
export const FILTERABLE_FIELDS = new Set<string>([
  'id',
  'user_id',
  'session_id',
  'cube_id',
  'memory_type',
  'status',
  'key',
  'tags',
  'source',
  'created_at',
  'updated_at',
  'valid_from',
  'valid_to',
  'confidence',
  'memory',
  'is_fast',
]);
