import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteGraphStore } from './graph-store';
import { SqliteLexicalIndex } from './lexical-index';
import { SqliteRecordStore } from './record-store';
import { SqliteHandle } from './sqlite';
import { HnswVectorIndex, type HnswVectorIndexOptions } from './vector-index';

export interface EmbeddedStoresOptions {
  /** Directory holding `engram.db` (+ WAL) and the `hnsw/` checkpoint directory. Created if missing. */
  dataDir: string;
  /** Embedding dimension for the vector index. */
  dimension: number;
  /** HNSW tuning and checkpoint cadence. */
  hnsw?: Omit<HnswVectorIndexOptions, 'db' | 'dir' | 'dimension'>;
}

export interface EmbeddedStores {
  records: SqliteRecordStore;
  lexical: SqliteLexicalIndex;
  vectors: HnswVectorIndex;
  graph: SqliteGraphStore;
  /** Closes every store (checkpointing the HNSW graphs) and then the database. */
  close(): Promise<void>;
}

/** All four embedded stores over one SQLite file, for a single process. */
export async function openEmbeddedStores(options: EmbeddedStoresOptions): Promise<EmbeddedStores> {
  mkdirSync(options.dataDir, { recursive: true });
  const handle = SqliteHandle.open(join(options.dataDir, 'engram.db'));
  const opened: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    opened.push(store);
    return store;
  };
  try {
    const stores = {
      records: track(new SqliteRecordStore(handle)),
      lexical: track(new SqliteLexicalIndex(handle)),
      graph: track(new SqliteGraphStore(handle)),
      vectors: track(
        new HnswVectorIndex({
          ...options.hnsw,
          db: handle,
          dir: join(options.dataDir, 'hnsw'),
          dimension: options.dimension,
        }),
      ),
    };
    return {
      ...stores,
      // Each store holds a reference to the handle; the last one to close closes the file.
      close: async () => {
        for (const s of opened) await s.close();
      },
    };
  } catch (e) {
    for (const s of opened) await s.close();
    throw e;
  } finally {
    handle.release(); // from here on only the stores' references keep the file open
  }
}
