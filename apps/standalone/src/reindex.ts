import { Logger } from '@nestjs/common';
import { Indexer } from '@engram/memory-core';
import { loadConfig } from './config';
import { readMeta, writeMeta } from './data-dir-meta';
import { buildEmbedder } from './embedder';
import { openConfiguredStores } from './stores';

/**
 * `engram reindex`: rebuilds the derived indexes (lexical, vectors, graph) of the configured stores
 * from the record store, with the configured embedder. Same config (ENGRAM_* / flags) as the server.
 */
async function main(): Promise<void> {
  const log = new Logger('reindex');
  const cfg = loadConfig(process.env, process.argv.slice(2));
  const embedder = await buildEmbedder(cfg);
  const stores = await openConfiguredStores(cfg, embedder.dimension);
  try {
    const t0 = Date.now();
    const n = await new Indexer({ ...stores, embedder }).reindexAll();
    const meta = readMeta(cfg.dataDir);
    writeMeta(cfg.dataDir, {
      embedder: embedder.id,
      dimension: embedder.dimension,
      created_at: meta?.created_at ?? new Date().toISOString(),
    });
    log.log(
      `reindexed ${n} memories on the ${cfg.stores} stores in ${((Date.now() - t0) / 1000).toFixed(1)} s (embedder ${embedder.id})`,
    );
  } finally {
    await stores.close();
    await embedder.close?.();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
