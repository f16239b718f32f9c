import type { CubeScope, ScoredId } from './scope';

export interface VectorDoc {
  id: string;
  tenant_id: string;
  cube_id: string;
  vector: Float32Array;
}

/** Approximate nearest neighbours by cosine similarity. Scores are cosine similarity in [-1, 1]. */
export interface VectorIndex {
  readonly dimension: number;
  upsert(docs: VectorDoc[]): Promise<void>;
  delete(ids: string[]): Promise<void>;
  search(scope: CubeScope, vector: Float32Array, limit: number): Promise<ScoredId[]>;
  /** Stored vectors by id (missing ids are absent from the map). */
  getVectors(ids: string[]): Promise<Map<string, Float32Array>>;
  count(scope?: CubeScope): Promise<number>;
  clear(): Promise<void>;
  /** Persists any in-memory state; called on shutdown. */
  close(): Promise<void>;
}
