import type { ClusterStores } from './cluster-stores';

export type { ClusterStores } from './cluster-stores';

export interface ClusterStoresOptions {
  opensearchUrl: string;
  milvusAddress: string;
  neo4jUri: string;
  neo4jUser?: string;
  neo4jPassword?: string;
  /** Embedding dimension for the Milvus collection. */
  dimension: number;
  /**
   * Names everything the stores create: OpenSearch index `<ns>-lexical` (alias), Milvus collection
   * `<ns>_vectors`, Neo4j nodes with `ns = <ns>`. Lowercase letters, digits and `_`.
   */
  namespace: string;
}

export const CLUSTER_NAMESPACE = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The four stores on the real servers (Neo4j, OpenSearch, Milvus), shared by the standalone app in
 * cluster mode and the cluster services. The clients load only when asked for: the Milvus SDK is heavy
 * (and ESM-tangled under jest), and embedded-only processes never need it.
 */
export async function openClusterStores(o: ClusterStoresOptions): Promise<ClusterStores> {
  const { openClusterStoresNow } = await import('./cluster-stores');
  return openClusterStoresNow(o);
}
