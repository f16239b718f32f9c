import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RestApiModule, mountOpenApi } from '@engram/api-rest';
import { MemoryService } from '@engram/memory-core';
import { MetricsModule } from '@engram/observability';
import type { Embedder } from '@engram/ports';
import { useJsonBody, useServiceLogger } from '@engram/platform';
import type { StandaloneConfig } from './config';
import { readMeta, writeMeta } from './data-dir-meta';
import { buildEmbedder } from './embedder';
import { buildFineMode } from './fine-mode';
import { startGrpc, withGrpc } from './grpc';
import { openConfiguredStores, type Stores } from './stores';

export const VERSION = '0.1.0';

export interface StandaloneApp {
  app: INestApplication;
  memory: MemoryService;
  stores: Stores;
  embedder: Embedder;
  /** Stops accepting requests, finishes in-flight ones, checkpoints and closes the stores. */
  close(): Promise<void>;
}

/**
 * Composition root of the single-process shape: the configured stores (embedded, or the cluster servers),
 * the configured embedder, the memory core, and the REST gateway in one NestJS app.
 */
export async function createStandaloneApp(
  cfg: StandaloneConfig,
  embedderOverride?: Embedder,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StandaloneApp> {
  // before anything logs, so boot lines share the format (ENGRAM_LOG_FORMAT)
  const logger = useServiceLogger({ service: 'engram', logFormat: cfg.logFormat, logLevel: cfg.logLevel });
  const log = new Logger('standalone');
  const embedder = embedderOverride ?? (await buildEmbedder(cfg));
  const stores = await openConfiguredStores(cfg, embedder.dimension);
  const fine = buildFineMode(env);
  const memory = new MemoryService({
    ...stores,
    embedder,
    extractor: fine.extractor,
    log,
    window: { maxTokens: cfg.windowTokens, overlapTokens: cfg.windowOverlap },
  });

  const meta = readMeta(cfg.dataDir);
  if (meta && meta.embedder !== embedder.id) {
    log.warn(`data was embedded with ${meta.embedder}, now ${embedder.id}: rebuilding every index from the record store`);
    const n = await memory.indexer.reindexAll();
    log.warn(`reindexed ${n} memories`);
  }
  // the boot recovery every shape that owns stores runs (after a full rebuild nothing is left pending)
  const { reindexed, resumed } = await memory.recover();
  if (reindexed) log.warn(`finished indexing ${reindexed} memories interrupted by a previous crash`);
  writeMeta(cfg.dataDir, { embedder: embedder.id, dimension: embedder.dimension, created_at: meta?.created_at ?? new Date().toISOString() });
  if (resumed) log.warn(`resuming fine extraction for ${resumed} raw memories left pending by a previous run`);

  const app = await NestFactory.create<NestExpressApplication>(
    MetricsModule.around(withGrpc(cfg, memory, RestApiModule.register({
      memory,
      options: {
        service: 'engram',
        version: VERSION,
        defaultTenant: cfg.defaultTenant,
        // no filesystem paths: /health answers anyone who can reach the port
        describe: () => ({ shape: 'standalone', stores: cfg.stores, embedder: embedder.id, dimension: embedder.dimension, ...fine.describe() }),
      },
    })), {
      // GET /metrics, GET /ready, x-request-id, HTTP latency histogram (docs/operations/observability.md)
      service: 'engram',
      tasks: () => memory.tasks.totals(),
      llmUsage: () => fine.llm?.ledger.snapshot() ?? [],
      probes: [{ name: 'record-store', check: () => stores.records.getByIds(['engram-readiness-probe']) }],
    }),
    { bodyParser: false, logger },
  );
  useJsonBody(app, cfg.bodyLimit);
  if (cfg.swagger) mountOpenApi(app, VERSION);
  await startGrpc(app, cfg);

  let closed = false;
  return {
    app,
    memory,
    stores,
    embedder,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await memory.drain(); // background extractions finish before the stores close
      await stores.close();
      await embedder.close?.();
    },
  };
}
