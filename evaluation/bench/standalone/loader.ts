/**
 * Bulk load of precomputed memories and vectors into an embedded data dir, through the same Indexer
 * the server writes with (records first, then FTS5, HNSW and graph edges). Resumable: progress is
 * recorded after every batch, and a batch interrupted half-way is rewritten (writes are idempotent).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryItem } from '@engram/domain';
import { Indexer } from '@engram/memory-core';
import type { Embedder } from '@engram/ports';
import type { WindowOptions } from '@engram/reader';
import { openEmbeddedStores } from '@engram/storage-embedded';
import { readMeta, writeMeta } from '../../../apps/standalone/src/data-dir-meta';
import { CORPUS_VERSION } from './corpus';
import type { BenchScope } from './items';

export interface BenchState {
  corpus: string;
  embedder: string;
  tenant: string;
  cube: string;
  /** Fast-mode window tokens/overlap the memories were cut with. */
  window: string;
  /** Corpus memories written (a prefix of the corpus). */
  loaded: number;
  /** Memories added over HTTP by earlier measurement runs (their corpus indices come after these). */
  extra_adds: number;
  load_seconds?: number;
}

const STATE = 'bench-state.json';

export function readState(dataDir: string): BenchState | null {
  const p = join(dataDir, STATE);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as BenchState) : null;
}

export function writeState(dataDir: string, s: BenchState): void {
  const p = join(dataDir, STATE);
  writeFileSync(`${p}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${p}.tmp`, p);
}

/** Serves document vectors from the precomputed table; an unknown text is a bug in the loader. */
export class TableEmbedder implements Embedder {
  private readonly byText = new Map<string, Float32Array>();

  constructor(
    readonly id: string,
    readonly dimension: number,
    texts: string[],
    vectors: Float32Array[],
  ) {
    texts.forEach((t, i) => this.byText.set(t, vectors[i]!));
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = this.byText.get(t);
      if (!v) throw new Error(`no precomputed vector for ${JSON.stringify(t.slice(0, 80))}`);
      return v;
    });
  }
}

export interface LoadStats {
  written: number;
  seconds: number;
  perSec: number;
}

export async function loadDataDir(opts: {
  dataDir: string;
  scope: BenchScope;
  window: WindowOptions;
  items: MemoryItem[];
  vectors: Float32Array[];
  embedder: TableEmbedder;
  batch: number;
  onProgress?: (done: number, total: number, perSec: number) => void;
}): Promise<LoadStats> {
  const { dataDir, scope, items, vectors, embedder } = opts;
  const prev = readState(dataDir);
  const window = `${opts.window.maxTokens}/${opts.window.overlapTokens}`;
  if (
    prev &&
    (prev.corpus !== CORPUS_VERSION ||
      prev.embedder !== embedder.id ||
      prev.cube !== scope.cube ||
      prev.window !== window)
  )
    throw new Error(
      `${dataDir} holds another corpus (${prev.corpus}, ${prev.embedder}, cube ${prev.cube}, windows ${prev.window}): use another --data-dir`,
    );
  if (prev && prev.loaded > items.length)
    throw new Error(
      `${dataDir} already holds ${prev.loaded} memories, more than the ${items.length} asked: use another --data-dir`,
    );
  const state: BenchState = prev ?? {
    corpus: CORPUS_VERSION,
    embedder: embedder.id,
    tenant: scope.tenant,
    cube: scope.cube,
    window,
    loaded: 0,
    extra_adds: 0,
  };
  // Checkpoint the HNSW file only every 20k changes: at the server's default (1000) a 100k-point graph
  // would be rewritten 100 times during the load.
  const stores = await openEmbeddedStores({
    dataDir,
    dimension: embedder.dimension,
    hnsw: { checkpointEvery: 20_000 },
  });
  const indexer = new Indexer({ ...stores, embedder });
  const started = performance.now();
  let written = 0;
  try {
    await indexer.reindexPending(); // a batch cut short by a crash
    for (let i = state.loaded; i < items.length; i += opts.batch) {
      const batch = items.slice(i, i + opts.batch);
      await indexer.write(batch, [], vectors.slice(i, i + batch.length));
      written += batch.length;
      state.loaded = i + batch.length;
      writeState(dataDir, state);
      opts.onProgress?.(state.loaded, items.length, written / ((performance.now() - started) / 1000));
    }
  } finally {
    await stores.close(); // checkpoints the HNSW graph so the server loads it from file
  }
  const seconds = (performance.now() - started) / 1000;
  state.load_seconds = (prev?.load_seconds ?? 0) + seconds;
  writeState(dataDir, state);
  // What the server checks at boot: same embedder id → no reindex.
  writeMeta(dataDir, {
    embedder: embedder.id,
    dimension: embedder.dimension,
    created_at: readMeta(dataDir)?.created_at ?? new Date().toISOString(),
  });
  return { written, seconds, perSec: written ? written / seconds : 0 };
}
