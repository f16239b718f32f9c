import { mkdirSync } from 'node:fs';
import type { GraphStore, LexicalIndex, MemoryRecordStore, VectorIndex } from '@engram/ports';
import { openEmbeddedStores } from '@engram/storage-embedded';
import type { StandaloneConfig } from './config';

/** The four stores the memory core runs on, whichever backend holds them. */
export interface Stores {
  records: MemoryRecordStore;
  lexical: LexicalIndex;
  vectors: VectorIndex;
  graph: GraphStore;
  close(): Promise<void>;
}

/**
 * The one place that picks the storage backend: `embedded` (SQLite + FTS5 + HNSW in dataDir) or
 * `cluster` (Neo4j, OpenSearch, Milvus). The cluster clients load only when asked for.
 */
export async function openConfiguredStores(cfg: StandaloneConfig, dimension: number): Promise<Stores> {
  if (cfg.stores === 'embedded') return openEmbeddedStores({ dataDir: cfg.dataDir, dimension });
  mkdirSync(cfg.dataDir, { recursive: true }); // still holds engram.meta.json (which embedder built the vectors)
  const { openClusterStores } = await import('./cluster-stores');
  return openClusterStores({
    opensearchUrl: cfg.opensearchUrl!,
    milvusAddress: cfg.milvusAddress!,
    neo4jUri: cfg.neo4jUri!,
    ...(cfg.neo4jUser ? { neo4jUser: cfg.neo4jUser, neo4jPassword: cfg.neo4jPassword ?? '' } : {}),
    dimension,
    namespace: cfg.clusterNamespace,
  });
}
