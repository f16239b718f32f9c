import type { CubeScope, ScoredId } from './scope';

export interface LexicalDoc {
  id: string;
  tenant_id: string;
  cube_id: string;
  /** Text to index (memory text, key and tags); the adapter tokenises (CJK-aware). */
  text: string;
}

/** BM25 over memory text. Scores are raw BM25 (higher is better, >= 0). */
export interface LexicalIndex {
  upsert(docs: LexicalDoc[]): Promise<void>;
  delete(ids: string[]): Promise<void>;
  search(scope: CubeScope, query: string, limit: number): Promise<ScoredId[]>;
  count(scope?: CubeScope): Promise<number>;
  /** Removes everything (used by reindex). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
