import type { CubeScope } from './scope';

/** Memory→memory relations and memory→entity mentions. */
export type EdgeType =
  | 'FOLLOWS'
  | 'MENTIONS'
  | 'SUPERSEDES'
  | 'MERGED_TO'
  | 'DERIVED_FROM'
  | 'SUMMARY'
  | 'MATERIAL'
  | 'PRECEDING'
  | 'FOLLOWING'
  | 'RELATED';

export interface GraphEdge {
  tenant_id: string;
  cube_id: string;
  /** Memory id. */
  from: string;
  /** Memory id, or an entity id `entity:<normalised name>` for MENTIONS. */
  to: string;
  type: EdgeType;
  weight?: number;
}

export interface EntityHit {
  memory_id: string;
  /** How many of the asked entities the memory mentions. */
  matched: number;
}

export interface GraphStore {
  /** Idempotent (MERGE semantics on from/to/type). */
  upsertEdges(edges: GraphEdge[]): Promise<void>;
  /** Edges touching any of the ids, either direction, optionally by type. */
  neighbors(ids: string[], types?: EdgeType[]): Promise<GraphEdge[]>;
  /** Memories in scope that mention any of the entity ids, best first. */
  memoriesMentioning(scope: CubeScope, entityIds: string[], limit: number): Promise<EntityHit[]>;
  /** Removes the nodes and every edge touching them. */
  deleteNodes(ids: string[]): Promise<void>;
  count(scope?: CubeScope): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const entityId = (name: string): string => `entity:${name.trim().toLowerCase()}`;
