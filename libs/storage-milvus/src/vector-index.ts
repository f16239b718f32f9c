import { ConsistencyLevelEnum, DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { CubeScope, ScoredId, VectorDoc, VectorIndex } from '@engram/ports';

export interface MilvusVectorIndexOptions {
  /** `host:port` of the Milvus gRPC endpoint. Ignored when `client` is given. */
  address?: string;
  /** An existing client (not closed by `close()`). */
  client?: MilvusClient;
  /** Collection name prefix (letters, digits, `_`): the collection is `<namespace>_vectors`. */
  namespace: string;
  dimension: number;
  /** HNSW build parameters and the minimum search breadth (ef is at least the asked limit). */
  hnsw?: { M?: number; efConstruction?: number; ef?: number };
  /** Per-call timeout in ms (default 30 s). */
  timeoutMs?: number;
  /**
   * Flush (seal into an indexed segment) once this many rows were written since the last flush;
   * 0 = leave it to the server. Default 1000. Milvus Lite searches unflushed rows by brute force
   * in Python (~0.05 ms per row per query), so without this a 10k-row collection answers in ~0.5 s;
   * sealed segments are searched through their HNSW index. The flush runs after the write returns.
   */
  flushEveryRows?: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,200}$/;
const ID_MAX = 128;
const SCOPE_MAX = 256;
/** Ids per expression / request, so filters and messages stay small. */
const CHUNK = 500;

interface Status {
  error_code: string | number;
  reason: string;
}

/** A Milvus string literal: JSON's escaping (`\"`, `\\`, `\uXXXX`) is what Milvus' expression parser reads. */
const lit = (s: string): string => JSON.stringify(s);
const list = (xs: string[]): string => `[${xs.map(lit).join(', ')}]`;

function check(status: Status | undefined, what: string): void {
  if (!status) throw new Error(`Milvus ${what}: no status in the response`);
  if (status.error_code !== 'Success' && status.error_code !== 0) {
    throw new Error(`Milvus ${what} failed: ${status.error_code} ${status.reason}`);
  }
}

const chunks = <T>(xs: T[], n = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * VectorIndex on Milvus: one collection per namespace (id VARCHAR primary key, tenant_id, cube_id,
 * FLOAT_VECTOR), HNSW with the COSINE metric, Strong consistency so a write is visible to the next
 * search, and the tenant/cube scope as a boolean filter expression evaluated inside the engine.
 */
export class MilvusVectorIndex implements VectorIndex {
  readonly dimension: number;
  readonly collection: string;
  private readonly client: MilvusClient;
  private readonly ownsClient: boolean;
  private readonly hnsw: { M: number; efConstruction: number; ef: number };
  /**
   * Writes from this process go one at a time: Milvus Lite documents concurrent writes to one
   * collection as unsafe, and ordering them keeps "last upsert wins" true for racing callers.
   */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly flushEveryRows: number;
  private unflushed = 0;

  private constructor(options: MilvusVectorIndexOptions) {
    if (!NAME.test(options.namespace))
      throw new Error(`invalid Milvus namespace '${options.namespace}' (letters, digits and _)`);
    if (!Number.isInteger(options.dimension) || options.dimension < 1)
      throw new Error(`invalid dimension ${options.dimension}`);
    if (!options.client && !options.address)
      throw new Error('MilvusVectorIndex needs an address or a client');
    this.dimension = options.dimension;
    this.collection = `${options.namespace}_vectors`;
    this.ownsClient = !options.client;
    this.client =
      options.client ??
      new MilvusClient({
        address: options.address!,
        timeout: options.timeoutMs ?? 30_000,
        logLevel: 'error',
        // The SDK pings every 10 s even when idle; servers with gRPC's default ping policy (Milvus
        // Lite) answer with GOAWAY "too many pings". Ping only while calls are in flight, rarely.
        channelOptions: { 'grpc.keepalive_time_ms': 300_000, 'grpc.keepalive_permit_without_calls': 0 },
      });
    this.flushEveryRows = options.flushEveryRows ?? 1000;
    this.hnsw = {
      M: options.hnsw?.M ?? 16,
      efConstruction: options.hnsw?.efConstruction ?? 200,
      ef: options.hnsw?.ef ?? 64,
    };
  }

  /** Connects, creates the collection and its index unless they exist, and loads it. */
  static async open(options: MilvusVectorIndexOptions): Promise<MilvusVectorIndex> {
    const index = new MilvusVectorIndex(options);
    try {
      await index.client.connectPromise;
      await index.ensureCollection();
    } catch (e) {
      await index.close();
      throw e;
    }
    return index;
  }

  private async ensureCollection(): Promise<void> {
    const collection_name = this.collection;
    const has = await this.client.hasCollection({ collection_name });
    check(has.status, 'hasCollection');
    if (has.value) {
      const desc = await this.client.describeCollection({ collection_name });
      check(desc.status, 'describeCollection');
      const field = desc.schema.fields.find((f) => f.name === 'vector');
      const dim = Number(field?.type_params?.find((p) => p.key === 'dim')?.value);
      if (dim !== this.dimension) {
        throw new Error(
          `Milvus collection ${collection_name} holds ${dim}-dimensional vectors but the embedder makes ${this.dimension}; ` +
            `drop it (or use another namespace) and run \`engram reindex\``,
        );
      }
    } else {
      try {
        const r = await this.client.createCollection({
          collection_name,
          consistency_level: 'Strong',
          fields: [
            {
              name: 'id',
              data_type: DataType.VarChar,
              is_primary_key: true,
              autoID: false,
              max_length: ID_MAX,
            },
            { name: 'tenant_id', data_type: DataType.VarChar, max_length: SCOPE_MAX },
            { name: 'cube_id', data_type: DataType.VarChar, max_length: SCOPE_MAX },
            { name: 'vector', data_type: DataType.FloatVector, dim: this.dimension },
          ],
        });
        check(r, 'createCollection');
      } catch (e) {
        // Lost a creation race with another process: the collection is there now.
        if (!/already exist/i.test(messageOf(e))) throw e;
      }
    }
    await this.ensureIndexes();
    const loaded = await this.client.loadCollectionSync({ collection_name });
    check(loaded, 'loadCollection');
  }

  private async ensureIndexes(): Promise<void> {
    const collection_name = this.collection;
    const wanted: {
      field_name: string;
      index_type: string;
      metric_type?: string;
      params?: Record<string, number>;
    }[] = [
      {
        field_name: 'vector',
        index_type: 'HNSW',
        metric_type: 'COSINE',
        params: { M: this.hnsw.M, efConstruction: this.hnsw.efConstruction },
      },
      // Scalar indexes make the scope filter an index lookup rather than a column scan.
      { field_name: 'tenant_id', index_type: 'INVERTED' },
      { field_name: 'cube_id', index_type: 'INVERTED' },
    ];
    const existing = await this.client.listIndexes({ collection_name }).catch(() => undefined);
    const have = new Set<string>(existing?.indexes ?? []);
    for (const w of wanted) {
      if (have.has(w.field_name)) continue;
      try {
        const r = await this.client.createIndex({ collection_name, ...w });
        if (!/already exist/i.test(r.reason)) check(r, `createIndex(${w.field_name})`);
      } catch (e) {
        if (!/already exist/i.test(messageOf(e))) throw e;
      }
    }
  }

  private serialised<T>(op: () => Promise<T>): Promise<T> {
    const next = this.writes.then(op, op);
    this.writes = next.catch(() => undefined);
    return next;
  }

  async upsert(docs: VectorDoc[]): Promise<void> {
    if (docs.length === 0) return;
    for (const d of docs) {
      if (d.vector.length !== this.dimension)
        throw new Error(`vector for ${d.id} has ${d.vector.length} dimensions, index has ${this.dimension}`);
    }
    // Within one call the last doc for an id wins, as with repeated upserts.
    const byId = new Map(docs.map((d) => [d.id, d]));
    await this.serialised(async () => {
      for (const part of chunks([...byId.values()])) {
        const r = await this.client.upsert({
          collection_name: this.collection,
          data: part.map((d) => ({
            id: d.id,
            tenant_id: d.tenant_id,
            cube_id: d.cube_id,
            vector: Array.from(d.vector),
          })),
        });
        check(r.status, 'upsert');
      }
    });
    this.unflushed += byId.size;
    if (this.flushEveryRows > 0 && this.unflushed >= this.flushEveryRows) {
      this.unflushed = 0;
      // Queued behind the writes, not awaited: the rows are already durable (Milvus' WAL), and a
      // failed flush only leaves them searchable the slow way until the next one.
      void this.serialised(() => this.client.flushSync({ collection_names: [this.collection] })).catch(
        () => undefined,
      );
    }
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.serialised(async () => {
      for (const part of chunks([...new Set(ids)])) {
        const r = await this.client.delete({
          collection_name: this.collection,
          filter: `id in ${list(part)}`,
        });
        check(r.status, 'delete');
      }
    });
  }

  private scopeExpr(scope: CubeScope): string {
    return `tenant_id == ${lit(scope.tenant_id)} and cube_id in ${list(scope.cube_ids)}`;
  }

  async search(scope: CubeScope, vector: Float32Array, limit: number): Promise<ScoredId[]> {
    if (limit <= 0 || scope.cube_ids.length === 0) return [];
    const topk = Math.floor(limit);
    const r = await this.client.search({
      collection_name: this.collection,
      data: [Array.from(vector)],
      anns_field: 'vector',
      limit: topk,
      filter: this.scopeExpr(scope),
      output_fields: ['id'],
      metric_type: 'COSINE',
      consistency_level: ConsistencyLevelEnum.Strong,
      params: { ef: Math.max(this.hnsw.ef, topk) },
    });
    check(r.status, 'search');
    const hits = (r.results as { id: string | number; score: number }[]).map((h) => ({
      id: String(h.id),
      score: h.score,
    }));
    // Best first; equal scores by id so results are deterministic.
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async getVectors(ids: string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const part of chunks([...new Set(ids)])) {
      const r = await this.client.query({
        collection_name: this.collection,
        filter: `id in ${list(part)}`,
        output_fields: ['id', 'vector'],
        consistency_level: ConsistencyLevelEnum.Strong,
        limit: part.length,
      });
      check(r.status, 'query');
      for (const row of r.data as { id: string; vector: number[] }[])
        out.set(String(row.id), Float32Array.from(row.vector));
    }
    return out;
  }

  async count(scope?: CubeScope): Promise<number> {
    if (scope && scope.cube_ids.length === 0) return 0;
    const r = await this.client.query({
      collection_name: this.collection,
      filter: scope ? this.scopeExpr(scope) : '',
      output_fields: ['count(*)'],
      consistency_level: ConsistencyLevelEnum.Strong,
    });
    check(r.status, 'count');
    return Number((r.data[0] as Record<string, unknown> | undefined)?.['count(*)'] ?? 0);
  }

  /** Deletes every entity (the collection, its index and its load state stay). */
  async clear(): Promise<void> {
    await this.serialised(async () => {
      const r = await this.client.delete({ collection_name: this.collection, filter: 'id != ""' });
      check(r.status, 'clear');
    });
  }

  /** Drops the collection (tests and teardown). */
  async drop(): Promise<void> {
    await this.serialised(async () => {
      const r = await this.client.dropCollection({ collection_name: this.collection });
      check(r, 'dropCollection');
    });
  }

  /** Milvus persists on its own; this only waits for queued writes and closes an owned client. */
  async close(): Promise<void> {
    await this.writes;
    if (this.ownsClient) await this.client.closeConnection();
  }
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'reason' in e) return String((e as { reason: unknown }).reason);
  return String(e);
}
