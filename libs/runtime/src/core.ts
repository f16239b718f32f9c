import { Logger } from '@nestjs/common';
import {
  MemoryService,
  type ExtractionDispatcher,
  type TaskRecord,
  type WindowExtractor,
} from '@engram/memory-core';
import type { Embedder } from '@engram/ports';
import { openClusterStores, type ClusterStores } from './cluster';
import type { ServiceConfig } from '@engram/platform';
import { buildEmbedder } from './embedder';

export interface Core {
  embedder: Embedder;
  stores: ClusterStores;
  memory: MemoryService;
  close(): Promise<void>;
}

/** Embedder + cluster stores + memory core, as every store-facing service needs them. */
export async function openCore(
  cfg: ServiceConfig,
  opts: {
    extractor?: WindowExtractor | null;
    dispatcher?: ExtractionDispatcher | null;
    embedder?: Embedder;
    /** Only where the memory core's tracker follows task events (the gateway). */
    syncFineTimeoutMs?: number;
    /** Publishes fast adds' completed tasks (e.g. `(t) => publishTask(bus, t)`). */
    announceTask?: (task: TaskRecord) => Promise<void>;
  } = {},
): Promise<Core> {
  const embedder = opts.embedder ?? (await buildEmbedder(cfg));
  const stores = await openClusterStores({
    // validated at boot for every service that opens the stores (opensStores)
    opensearchUrl: cfg.opensearchUrl!,
    milvusAddress: cfg.milvusAddress!,
    neo4jUri: cfg.neo4jUri!,
    ...(cfg.neo4jUser ? { neo4jUser: cfg.neo4jUser, neo4jPassword: cfg.neo4jPassword ?? '' } : {}),
    dimension: embedder.dimension,
    namespace: cfg.clusterNamespace,
  }).catch(async (err: unknown) => {
    await embedder.close?.();
    throw err;
  });
  const memory = new MemoryService({
    ...stores,
    embedder,
    extractor: opts.extractor ?? null,
    dispatcher: opts.dispatcher ?? null,
    syncFineTimeoutMs: opts.syncFineTimeoutMs ?? null,
    announceTask: opts.announceTask ?? null,
    log: new Logger(`${cfg.service}:memory`),
    window: { maxTokens: cfg.windowTokens, overlapTokens: cfg.windowOverlap },
  });
  return {
    embedder,
    stores,
    memory,
    close: async () => {
      await stores.close();
      await embedder.close?.();
    },
  };
}
