import type { ChatMessage, FilterNode, MemoryItem, MemoryType } from '@engram/domain';
import type { DedupMode, SearchBucket } from '@engram/retrieval';
import type { TaskStatus } from './task-tracker';

export interface AddCommand {
  tenant_id: string;
  user_id: string;
  session_id: string;
  cube_ids: string[];
  /** Raw messages as received (validated by the service); ignored when `normalized_messages` is given. */
  messages: unknown;
  /**
   * The messages already validated and normalised (ids assigned) by a caller in front, e.g. the cluster
   * gateway: used as they are (their limits checked again), so both sides derive the same ids and keys.
   */
  normalized_messages?: ChatMessage[];
  idempotency_key?: string;
  task_id?: string;
  custom_tags?: string[];
  info?: Record<string, unknown>;
  mode: 'fast' | 'fine';
  async_mode: 'sync' | 'async';
}

export interface AddedMemory {
  memory: string;
  memory_id: string;
  memory_type: MemoryType;
  cube_id: string;
}

/** How an add reports a stored memory. */
export function toAddedMemory(m: MemoryItem): AddedMemory {
  return { memory: m.memory, memory_id: m.id, memory_type: m.memory_type, cube_id: m.cube_id };
}

export interface AddResult {
  memories: AddedMemory[];
  task_id: string;
  task_status: TaskStatus;
  /** True when every memory already existed (a retried add). */
  replayed: boolean;
  /**
   * Ids this add would have stored but did not: the memories an earlier add of the same messages (same
   * Idempotency-Key, or same content without one) stored and that were deleted since. Deletes are final;
   * a new Idempotency-Key stores the same messages again under new ids.
   */
  refused_ids?: string[];
}

/** The one-line answer to an add (REST `message`, gRPC `message`). */
export function addMessage(r: AddResult): string {
  const refused = r.refused_ids?.length ?? 0;
  // an add that returns no memory stored nothing because of tombstones (also when, as over the cluster's
  // internal gRPC, the refused ids themselves did not travel)
  if (!r.memories.length)
    return 'Nothing stored: these messages were added before and their memories have since been deleted; send a new Idempotency-Key to store them again';
  const base = r.replayed ? 'Memory already added (idempotent replay)' : 'Memory added successfully';
  return refused
    ? `${base}; ${refused} ${refused === 1 ? 'memory was' : 'memories were'} deleted since an earlier add and stay deleted`
    : base;
}

export interface SearchCommand {
  tenant_id: string;
  user_id: string;
  query: string;
  cube_ids: string[];
  top_k: number;
  relativity: number;
  dedup: DedupMode;
  filter: FilterNode | null | Map<string, FilterNode | null>;
  session_id?: string;
  memory_types?: MemoryType[];
  include_preference: boolean;
  pref_top_k: number;
  search_tool_memory: boolean;
  tool_mem_top_k: number;
  include_skill_memory: boolean;
  skill_mem_top_k: number;
  /** A precomputed query vector and the id of the embedder that made it (must be this service's). */
  query_embedding?: { vector: number[]; embedder_id: string };
}

export interface SearchOutcome {
  buckets: SearchBucket[];
  took_ms: number;
  /** Candidates scored before the relativity threshold and dedup (diagnostics). */
  candidates?: number;
}

export interface GetMemoriesCommand {
  tenant_id: string;
  cube_ids: string[];
  filter: FilterNode | null;
  page?: number;
  page_size?: number;
}

export interface GetMemoriesResult {
  items: MemoryItem[];
  total: number;
}

export type DeleteCommand =
  | { tenant_id: string; kind: 'ids'; ids: string[]; cube_ids?: string[] }
  | { tenant_id: string; kind: 'filter'; filter: FilterNode; cube_ids?: string[] };
