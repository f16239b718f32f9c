import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GatewayModule, mountOpenApi } from '@engram/gateway';
import { MemoryService } from '@engram/memory-core';
import type { Embedder } from '@engram/ports';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import type { StandaloneConfig } from './config';
import { readMeta, writeMeta } from './data-dir-meta';
import { buildEmbedder } from './embedder';
import { startGrpc, withGrpc } from './grpc';

export const VERSION = '0.1.0';

export interface StandaloneApp {
  app: INestApplication;
  memory: MemoryService;
  stores: EmbeddedStores;
  embedder: Embedder;
  /** Stops accepting requests, finishes in-flight ones, checkpoints and closes the stores. */
  close(): Promise<void>;
}

/**
 * Composition root of the single-process shape: embedded stores, the configured embedder, the memory
 * core, and the REST gateway in one NestJS app.
 */
export async function createStandaloneApp(cfg: StandaloneConfig, embedderOverride?: Embedder): Promise<StandaloneApp> {
  const log = new Logger('standalone');
  const embedder = embedderOverride ?? (await buildEmbedder(cfg));
  const stores = await openEmbeddedStores({ dataDir: cfg.dataDir, dimension: embedder.dimension });
  const memory = new MemoryService({
    ...stores,
    embedder,
    window: { maxTokens: cfg.windowTokens, overlapTokens: cfg.windowOverlap },
  });

  const meta = readMeta(cfg.dataDir);
  if (meta && meta.embedder !== embedder.id) {
    log.warn(`data was embedded with ${meta.embedder}, now ${embedder.id}: rebuilding every index from the record store`);
    const n = await memory.indexer.reindexAll();
    log.warn(`reindexed ${n} memories`);
  } else {
    const n = await memory.indexer.reindexPending();
    if (n) log.warn(`finished indexing ${n} memories interrupted by a previous crash`);
  }
  writeMeta(cfg.dataDir, { embedder: embedder.id, dimension: embedder.dimension, created_at: meta?.created_at ?? new Date().toISOString() });

  const app = await NestFactory.create<NestExpressApplication>(
    withGrpc(cfg, memory, GatewayModule.register({
      memory,
      options: {
        service: 'engram',
        version: VERSION,
        defaultTenant: cfg.defaultTenant,
        describe: () => ({ shape: 'standalone', embedder: embedder.id, dimension: embedder.dimension, data_dir: cfg.dataDir }),
      },
    })),
    { bodyParser: false, logger: levels(cfg.logLevel) },
  );
  app.useBodyParser('json', { limit: cfg.bodyLimit });
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
      await stores.close();
      await embedder.close?.();
    },
  };
}

function levels(level: StandaloneConfig['logLevel']) {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level) + 1) as unknown as ('error' | 'warn' | 'log' | 'debug' | 'verbose')[];
}
