/** Every index call is scoped to one tenant and one or more cubes; adapters filter in the engine. */
export interface CubeScope {
  tenant_id: string;
  cube_ids: string[];
}

export interface ScoredId {
  id: string;
  score: number;
}
