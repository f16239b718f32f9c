import type { FilterNode, MemoryItem, MemoryStatus } from '@engram/domain';
import type { CubeScope } from './scope';

export interface ListQuery extends CubeScope {
  /** Statuses to include; default ['activated']. */
  statuses?: MemoryStatus[];
  filter?: FilterNode | null;
  /** Newest first by updated_at, then id. */
  offset?: number;
  limit?: number;
}

export interface ListResult {
  items: MemoryItem[];
  total: number;
}

/**
 * What stays of a deleted memory: no text, only enough to refuse its id for good (memory ids are
 * deterministic, so a retried add or a late extraction would otherwise write it again).
 */
export interface Tombstone {
  id: string;
  tenant_id: string;
  cube_id: string;
  deleted_at: string;
}

export interface DeleteOutcome {
  /** How many rows went. */
  deleted: number;
  /**
   * Survivors whose `preceding_id` named a deleted memory and now names that memory's nearest surviving
   * predecessor (or null), so a chain stays continuous. They are marked `pending index` (their graph
   * edges follow the new link) until markIndexed.
   */
  relinked: MemoryItem[];
}

/**
 * System of record for memory items. Writes are durable when the promise resolves (an acknowledged
 * write survives a crash). Upserts are idempotent by id.
 */
export interface MemoryRecordStore {
  /**
   * Inserts or replaces items by id, except ids that carry a tombstone: those are refused in the same
   * transaction (a delete racing the write still wins) and returned. New or changed items are marked
   * `pending index` until markIndexed.
   */
  upsert(items: MemoryItem[]): Promise<string[]>;
  getByIds(ids: string[]): Promise<MemoryItem[]>;
  list(query: ListQuery): Promise<ListResult>;
  /**
   * Hard delete. In one transaction: leaves a tombstone for every deleted id (ids not stored get none),
   * relinks the survivors that followed a deleted memory, removes the rows. Deleted text does not stay
   * in the store's files once the promise resolves.
   */
  delete(ids: string[]): Promise<DeleteOutcome>;
  /** The tombstones among these ids (tombstones are kept). */
  tombstones(ids: string[]): Promise<Tombstone[]>;
  /** Ids of items written but not yet confirmed in every index (for crash recovery / reindex). */
  listPendingIndex(limit: number): Promise<MemoryItem[]>;
  markIndexed(ids: string[]): Promise<void>;
  /** Every item id in a scope, for reindexing and bulk deletes; iterates in pages. */
  iterateAll(pageSize: number): AsyncIterable<MemoryItem[]>;
  count(scope?: CubeScope): Promise<number>;
  close(): Promise<void>;
}

/**
 * For a delete: maps a deleted id to its nearest predecessor that survives, following `preceding_id`
 * through the deleted ones (null when the chain starts inside them), so every adapter relinks alike.
 */
export function survivingPredecessors(
  deleted: { id: string; preceding_id: string | null }[],
): (id: string) => string | null {
  const before = new Map(deleted.map((d) => [d.id, d.preceding_id]));
  return (id) => {
    let at: string | null = id;
    const seen = new Set<string>();
    while (at !== null && before.has(at) && !seen.has(at)) {
      seen.add(at);
      at = before.get(at) ?? null;
    }
    return at !== null && before.has(at) ? null : at; // a cycle of deleted ids leaves nothing to link to
  };
}
