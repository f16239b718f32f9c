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
 * System of record for memory items. Writes are durable when the promise resolves (an acknowledged
 * write survives a crash). Upserts are idempotent by id.
 */
export interface MemoryRecordStore {
  /** Inserts or replaces items by id. New or changed items are marked `pending index` until markIndexed. */
  upsert(items: MemoryItem[]): Promise<void>;
  getByIds(ids: string[]): Promise<MemoryItem[]>;
  list(query: ListQuery): Promise<ListResult>;
  /** Hard delete; returns how many rows went. */
  delete(ids: string[]): Promise<number>;
  /** Ids of items written but not yet confirmed in every index (for crash recovery / reindex). */
  listPendingIndex(limit: number): Promise<MemoryItem[]>;
  markIndexed(ids: string[]): Promise<void>;
  /** Every item id in a scope, for reindexing and bulk deletes; iterates in pages. */
  iterateAll(pageSize: number): AsyncIterable<MemoryItem[]>;
  count(scope?: CubeScope): Promise<number>;
  close(): Promise<void>;
}
