import { MilvusVectorIndex } from '@engram/storage-milvus';
import { Neo4jGraphStore, Neo4jRecordStore } from '@engram/storage-neo4j';
import { OpenSearchLexicalIndex } from '@engram/storage-opensearch';
import neo4j from 'neo4j-driver';
import { CLUSTER_NAMESPACE, type ClusterStoresOptions } from './cluster';

export interface ClusterStores {
  records: Neo4jRecordStore;
  lexical: OpenSearchLexicalIndex;
  vectors: MilvusVectorIndex;
  graph: Neo4jGraphStore;
  /** Closes every store, then the shared Neo4j driver. */
  close(): Promise<void>;
}

/**
 * (Loaded on demand through `openClusterStores` in cluster.ts.)
 * The four stores on real servers, with the same shape as `openEmbeddedStores`: Neo4j as the system
 * of record and the graph (one driver, shared), OpenSearch for BM25, Milvus for vectors. Each store
 * creates its schema at start-up, idempotently.
 */
export async function openClusterStoresNow(o: ClusterStoresOptions): Promise<ClusterStores> {
  if (!CLUSTER_NAMESPACE.test(o.namespace)) {
    throw new Error(
      `invalid cluster namespace '${o.namespace}' (lowercase letters, digits and _, starting with a letter)`,
    );
  }
  const driver = neo4j.driver(
    o.neo4jUri,
    o.neo4jUser ? neo4j.auth.basic(o.neo4jUser, o.neo4jPassword ?? '') : undefined,
    {
      disableLosslessIntegers: true,
      connectionAcquisitionTimeout: 30_000,
      maxTransactionRetryTime: 15_000,
    },
  );
  const opened: { close(): Promise<void> }[] = [];
  const track = async <T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    const s = await p;
    opened.push(s);
    return s;
  };
  const closeAll = async () => {
    const errors: unknown[] = [];
    for (const s of opened.reverse()) await s.close().catch((e: unknown) => errors.push(e));
    await driver.close().catch((e: unknown) => errors.push(e));
    if (errors.length) throw errors[0];
  };
  try {
    await driver.verifyConnectivity();
    const neo = { driver, namespace: o.namespace };
    const [records, graph, lexical, vectors] = await Promise.all([
      track(Neo4jRecordStore.open(neo)),
      track(Neo4jGraphStore.open(neo)),
      track(OpenSearchLexicalIndex.open({ node: o.opensearchUrl, namespace: o.namespace })),
      track(
        MilvusVectorIndex.open({ address: o.milvusAddress, namespace: o.namespace, dimension: o.dimension }),
      ),
    ]);
    return { records, graph, lexical, vectors, close: closeAll };
  } catch (e) {
    await closeAll().catch(() => undefined);
    throw e;
  }
}
