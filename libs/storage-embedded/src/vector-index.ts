import type { CubeScope, ScoredId, VectorDoc, VectorIndex } from '@engram/ports';
import { HierarchicalNSW } from 'hnswlib-node';
import { HnswFiles } from './hnsw-files';
import { attach, type SqliteSource } from './sqlite';
import { checkVector, normalize } from './vector-math';
import { VectorTable, type VectorChange } from './vector-table';

export interface HnswVectorIndexOptions {
  /** SQLite file path or shared handle: the durable copy of every vector. */
  db: SqliteSource;
  /** Directory for the HNSW checkpoint files (a cache; safe to delete). */
  dir: string;
  dimension: number;
  /** Checkpoint a cube's HNSW file after this many changes to it; 0 = only on close. Default 1000. */
  checkpointEvery?: number;
  /** HNSW graph degree. Default 16. */
  m?: number;
  /** Build-time candidate list size. Default 200. */
  efConstruction?: number;
  /** Query-time candidate list size (raised to the limit when smaller). Default 100. */
  efSearch?: number;
  /** Minimum starting capacity of a cube's graph; it doubles when full. Default 256. */
  initialCapacity?: number;
}

/** One cube's in-memory HNSW graph. */
interface CubeIndex {
  tenant_id: string;
  cube_id: string;
  hnsw: HierarchicalNSW;
  /** Live labels → memory ids (deleted labels are removed here and markDeleted in the graph). */
  labels: Map<number, string>;
  /** Last change sequence reflected in the graph. */
  seq: number;
  /** Changes since the last checkpoint. */
  unsaved: number;
  loadedFrom: 'file' | 'rebuild';
}

/**
 * VectorIndex with one HNSW graph per (tenant, cube), loaded on first use. SQLite holds the vectors
 * and a change log; the HNSW files are a checkpointed cache. Opening a cube loads its file and
 * replays the changes logged after the checkpoint, or rebuilds from SQLite when the file is missing
 * or fails its checksum — so a crash loses nothing that was acknowledged.
 */
export class HnswVectorIndex implements VectorIndex {
  readonly dimension: number;
  private readonly table: VectorTable;
  private readonly files: HnswFiles;
  private readonly detach: () => void;
  private readonly cubes = new Map<string, CubeIndex>();
  private readonly opts: Required<Omit<HnswVectorIndexOptions, 'db' | 'dir' | 'dimension'>>;
  private closed = false;
  /** Set while the table holds vectors of another dimension (until clear()). */
  private mismatch: string | null = null;

  constructor(options: HnswVectorIndexOptions) {
    this.dimension = options.dimension;
    this.opts = {
      checkpointEvery: options.checkpointEvery ?? 1000,
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 200,
      efSearch: options.efSearch ?? 100,
      initialCapacity: options.initialCapacity ?? 256,
    };
    const { db, detach } = attach(options.db);
    this.detach = detach;
    try {
      this.table = new VectorTable(db);
    } catch (e) {
      detach();
      throw e;
    }
    this.files = new HnswFiles(options.dir);
    // After an embedding-model change the stored vectors are useless but must not block opening:
    // the reindex that follows starts with clear().
    const stored = this.table.storedDimension();
    if (stored !== null && stored !== this.dimension) {
      this.mismatch =
        `the vector store holds ${stored}-dimensional vectors but was opened with dimension ${this.dimension}; ` +
        'clear() it (reindex) before use';
    } else {
      this.table.setDimension(this.dimension);
    }
  }

  async upsert(docs: VectorDoc[]): Promise<void> {
    this.usable();
    if (docs.length === 0) return;
    const normalized = docs.map((d) => {
      checkVector(d.vector, this.dimension, `vector for ${d.id}`);
      return { ...d, vector: normalize(d.vector) };
    });
    this.apply(this.table.upsert(normalized));
  }

  async delete(ids: string[]): Promise<void> {
    this.usable();
    if (ids.length > 0) this.apply(this.table.delete(ids));
  }

  async search(scope: CubeScope, vector: Float32Array, limit: number): Promise<ScoredId[]> {
    this.usable();
    checkVector(vector, this.dimension, 'query');
    if (limit <= 0) return [];
    const query = Array.from(normalize(vector));
    const hits: ScoredId[] = [];
    for (const cube of new Set(scope.cube_ids)) {
      // Don't allocate a graph for a cube that has no vectors (e.g. a query on an unknown cube).
      if (!this.isLoaded(scope.tenant_id, cube) && this.table.count({ ...scope, cube_ids: [cube] }) === 0)
        continue;
      const idx = this.cube(scope.tenant_id, cube);
      const k = Math.min(limit, idx.labels.size);
      if (k === 0) continue;
      idx.hnsw.setEf(Math.max(this.opts.efSearch, k));
      const { neighbors, distances } = idx.hnsw.searchKnn(query, k);
      neighbors.forEach((label, i) => {
        const id = idx.labels.get(label);
        if (id !== undefined) hits.push({ id, score: 1 - distances[i]! });
      });
    }
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }

  async getVectors(ids: string[]): Promise<Map<string, Float32Array>> {
    this.usable();
    return this.table.getVectors(ids);
  }

  async count(scope?: CubeScope): Promise<number> {
    return this.table.count(scope);
  }

  async clear(): Promise<void> {
    this.table.clear();
    this.table.setDimension(this.dimension);
    this.mismatch = null;
    this.cubes.clear();
    this.files.removeAll();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (const idx of this.cubes.values()) if (idx.unsaved > 0) this.checkpoint(idx);
    } finally {
      this.cubes.clear();
      this.detach();
    }
  }

  /** How a cube's graph was last loaded (for diagnostics and tests); undefined when not loaded. */
  loadedFrom(tenant: string, cube: string): 'file' | 'rebuild' | undefined {
    return this.cubes.get(this.files.key(tenant, cube))?.loadedFrom;
  }

  private usable(): void {
    if (this.closed) throw new Error('HnswVectorIndex is closed');
    if (this.mismatch) throw new Error(this.mismatch);
  }

  private isLoaded(tenant: string, cube: string): boolean {
    return this.cubes.has(this.files.key(tenant, cube));
  }

  /** Applies committed changes to the in-memory graphs, loading any cube not yet in memory. */
  private apply(changes: VectorChange[]): void {
    const touched = new Set<CubeIndex>();
    for (const c of changes) {
      const idx = this.cube(c.tenant_id, c.cube_id);
      touched.add(idx);
      if (c.seq <= idx.seq) continue; // a cube loaded just now already replayed this change
      try {
        this.applyOne(idx, c.label, c.id, c.vector);
      } catch (e) {
        // SQLite has the change; drop the graph so the next use reloads it consistently.
        this.cubes.delete(this.files.key(idx.tenant_id, idx.cube_id));
        throw e;
      }
      idx.seq = c.seq;
      idx.unsaved += 1;
    }
    const every = this.opts.checkpointEvery;
    for (const idx of touched) if (every > 0 && idx.unsaved >= every) this.checkpoint(idx);
  }

  private applyOne(idx: CubeIndex, label: number, id: string, vector: Float32Array | null): void {
    if (vector) {
      addPoint(idx.hnsw, label, vector);
      idx.labels.set(label, id);
    } else if (idx.labels.delete(label)) {
      idx.hnsw.markDelete(label);
    }
  }

  private cube(tenant: string, cube: string): CubeIndex {
    if (this.closed) throw new Error('HnswVectorIndex is closed');
    const key = this.files.key(tenant, cube);
    let idx = this.cubes.get(key);
    if (!idx) {
      idx = this.fromFile(tenant, cube) ?? this.rebuild(tenant, cube);
      this.cubes.set(key, idx);
    }
    return idx;
  }

  /** The checkpoint plus the changes logged after it; null when the file cannot be trusted. */
  private fromFile(tenant: string, cube: string): CubeIndex | null {
    const saved = this.files.load(tenant, cube, this.dimension);
    if (!saved) return null;
    const { hnsw } = saved;
    const seq = this.table.latestSeq();
    const labels = this.table.labels(tenant, cube);
    const inGraph = new Set(hnsw.getIdsList());
    const changed = this.table.changedSince(tenant, cube, saved.seq);
    for (const label of changed) {
      const vector = this.table.vectorOf(label, tenant, cube);
      if (vector) {
        addPoint(hnsw, label, vector);
        inGraph.add(label);
      } else if (inGraph.has(label)) {
        try {
          hnsw.markDelete(label);
        } catch {
          // already marked deleted in the checkpoint: nothing to undo
        }
      }
    }
    // Every live vector must be in the graph; otherwise the file is stale (e.g. from other data).
    for (const label of labels.keys()) if (!inGraph.has(label)) return null;
    // Mostly tombstones: rebuilding compacts the graph.
    if (hnsw.getCurrentCount() > 2 * labels.size + this.opts.initialCapacity) return null;
    return {
      tenant_id: tenant,
      cube_id: cube,
      hnsw,
      labels,
      seq,
      unsaved: changed.length,
      loadedFrom: 'file',
    };
  }

  private rebuild(tenant: string, cube: string): CubeIndex {
    const seq = this.table.latestSeq();
    const labels = this.table.labels(tenant, cube);
    const hnsw = new HierarchicalNSW('cosine', this.dimension);
    hnsw.initIndex({
      maxElements: Math.max(this.opts.initialCapacity, Math.ceil(labels.size * 1.5)),
      m: this.opts.m,
      efConstruction: this.opts.efConstruction,
    });
    for (const row of this.table.scopeRows(tenant, cube)) addPoint(hnsw, row.label, row.vector);
    // Persist a non-empty rebuild at the next checkpoint so the next start does not rebuild again.
    return {
      tenant_id: tenant,
      cube_id: cube,
      hnsw,
      labels,
      seq,
      unsaved: labels.size,
      loadedFrom: 'rebuild',
    };
  }

  private checkpoint(idx: CubeIndex): void {
    this.files.save(idx.tenant_id, idx.cube_id, idx.hnsw, idx.seq);
    this.table.prune(idx.tenant_id, idx.cube_id, idx.seq);
    idx.unsaved = 0;
  }
}

/** Adds or (for an existing label) replaces a point, doubling capacity when the graph is full. */
function addPoint(hnsw: HierarchicalNSW, label: number, vector: Float32Array): void {
  if (hnsw.getCurrentCount() >= hnsw.getMaxElements())
    hnsw.resizeIndex(Math.max(hnsw.getMaxElements() * 2, 16));
  // Re-adding an existing label updates its vector in place (and revives it if marked deleted).
  hnsw.addPoint(Array.from(vector), label);
}
