import { Client, type Types } from '@opensearch-project/opensearch';
import type { CubeScope, LexicalDoc, LexicalIndex, ScoredId } from '@engram/ports';
import { queryTerms, tokenize } from '@engram/text-analysis';

/** Bump when the mapping or the analysis changes: a new concrete index is created behind the alias. */
export const LEXICAL_SCHEMA_VERSION = 1;

export interface OpenSearchLexicalIndexOptions {
  /** e.g. `http://127.0.0.1:9200`. Ignored when `client` is given. */
  node?: string;
  /** An existing client (not closed by `close()`). */
  client?: Client;
  /**
   * Name prefix (lowercase letters, digits, `-`, `_`): the alias is `<namespace>-lexical`, the
   * concrete index `<namespace>-lexical-v<schema>[-<generation>]`.
   */
  namespace: string;
  /**
   * How writes become visible; in every mode the promise resolves only once the write is searchable.
   * `auto` (default): bulks of up to `refreshImmediatelyUpTo` operations force a refresh (`refresh=true`,
   * ~20 ms for one document here), larger ones wait for the next scheduled refresh (`wait_for`, up to
   * `refreshInterval`, which they amortise). `wait_for`: always wait. `true`: always force (one small
   * segment per write).
   */
  refresh?: 'auto' | 'wait_for' | 'true';
  /** With `refresh: 'auto'`: the largest bulk (in operations) that forces a refresh. Default 64. */
  refreshImmediatelyUpTo?: number;
  /** Index refresh interval; with `wait_for` a write waits up to this long. Default `250ms`. */
  refreshInterval?: string;
  replicas?: number;
  /** Per-request timeout in ms (default 30 s). */
  requestTimeoutMs?: number;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,150}$/;

// Text is tokenised in the adapter (jieba for CJK, NFKC + lowercase) and stored space-separated,
// so the built-in `whitespace` analyzer, which every distribution has, splits it into exactly our
// tokens. Query terms go through the same tokenizer, so index and query always agree.
const MAPPINGS = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    tenant_id: { type: 'keyword' },
    cube_id: { type: 'keyword' },
    text: { type: 'text', analyzer: 'whitespace', similarity: 'BM25', norms: true },
  },
} as const;

type Query = Types.Common_QueryDsl.QueryContainer;

interface BulkItem {
  [op: string]: { _id?: string; status: number; result?: string; error?: { type: string; reason: string } };
}
interface Hit {
  _id: string;
  _score: number | null;
}

/**
 * LexicalIndex on OpenSearch: BM25 over pre-tokenised text, tenant/cube as keyword filters inside
 * the query, idempotent upserts by id (the document `_id`), writes searchable when the promise
 * resolves, one index per namespace behind an alias.
 */
export class OpenSearchLexicalIndex implements LexicalIndex {
  readonly alias: string;
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly refresh: 'auto' | 'wait_for' | 'true';
  private readonly refreshImmediatelyUpTo: number;
  private readonly settings: Record<string, unknown>;

  private constructor(options: OpenSearchLexicalIndexOptions) {
    if (!NAME.test(options.namespace))
      throw new Error(
        `invalid OpenSearch namespace '${options.namespace}' (lowercase letters, digits, - and _)`,
      );
    this.alias = `${options.namespace}-lexical`;
    this.ownsClient = !options.client;
    if (!options.client && !options.node)
      throw new Error('OpenSearchLexicalIndex needs a node URL or a client');
    this.client =
      options.client ??
      new Client({ node: options.node!, requestTimeout: options.requestTimeoutMs ?? 30_000 });
    this.refresh = options.refresh ?? 'auto';
    this.refreshImmediatelyUpTo = options.refreshImmediatelyUpTo ?? 64;
    this.settings = {
      number_of_shards: 1, // BM25 statistics are per shard: one shard keeps scores exact
      number_of_replicas: options.replicas ?? 0,
      refresh_interval: options.refreshInterval ?? '250ms',
    };
  }

  /** Connects and creates the index and its alias unless they exist (safe to run concurrently). */
  static async open(options: OpenSearchLexicalIndexOptions): Promise<OpenSearchLexicalIndex> {
    const index = new OpenSearchLexicalIndex(options);
    try {
      await index.call('open', () => index.ensureIndex());
    } catch (e) {
      await index.close();
      throw e;
    }
    return index;
  }

  /** The concrete index for this schema version; generation > 0 after a clear(). */
  private concreteName(generation = 0): string {
    const base = `${this.alias}-v${LEXICAL_SCHEMA_VERSION}`;
    return generation ? `${base}-${generation.toString(36)}` : base;
  }

  private async aliasTargets(): Promise<string[]> {
    const exists = await this.client.indices.existsAlias({ name: this.alias });
    if (!exists.body) return [];
    const r = await this.client.indices.getAlias({ name: this.alias });
    return Object.keys(r.body as Record<string, unknown>);
  }

  private async ensureIndex(): Promise<void> {
    if ((await this.aliasTargets()).length > 0) return;
    try {
      await this.client.indices.create({
        index: this.concreteName(),
        body: { settings: this.settings, mappings: MAPPINGS, aliases: { [this.alias]: {} } },
      });
    } catch (e) {
      // Another process created it first: fine, as long as the alias is there now.
      if (errorType(e) !== 'resource_already_exists_exception') throw e;
      if ((await this.aliasTargets()).length === 0) {
        await this.client.indices.putAlias({ index: this.concreteName(), name: this.alias });
      }
    }
  }

  async upsert(docs: LexicalDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const body: unknown[] = [];
    for (const d of docs) {
      body.push({ index: { _index: this.alias, _id: d.id } });
      body.push({ id: d.id, tenant_id: d.tenant_id, cube_id: d.cube_id, text: tokenize(d.text).join(' ') });
    }
    await this.call('upsert', () => this.bulk(body, docs.length));
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const body = [...new Set(ids)].map((id) => ({ delete: { _index: this.alias, _id: id } }));
    await this.call('delete', () => this.bulk(body, body.length));
  }

  /**
   * A small write forces a refresh rather than waiting for the scheduled one: measured on the 2-core
   * box (evaluation/bench/cluster-write-breakdown.ts), a one-document bulk took 132 / 244 ms p50 / p95
   * with `wait_for` and a 250 ms interval, 20 / 36 ms with `refresh=true`. A write that follows another
   * one (fine memories, then the raw window's retirement) lands just after a refresh and waited almost
   * the whole interval. Large bulks (reindex, loads) keep `wait_for`, so they do not make a segment each.
   */
  private refreshFor(ops: number): 'wait_for' | 'true' {
    if (this.refresh !== 'auto') return this.refresh;
    return ops <= this.refreshImmediatelyUpTo ? 'true' : 'wait_for';
  }

  private async bulk(body: unknown[], ops: number): Promise<void> {
    // require_alias: a write that races a clear() fails instead of auto-creating an unmapped index.
    const r = await this.client.bulk({
      body: body as never,
      refresh: this.refreshFor(ops),
      require_alias: true,
    });
    const res = r.body as { errors: boolean; items: BulkItem[] };
    if (!res.errors) return;
    const failed = res.items
      .map((item) => Object.values(item)[0]!)
      .filter((op) => op.error && !(op.status === 404 && op.result === 'not_found'));
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new Error(
        `OpenSearch bulk write failed for ${failed.length} document(s), first ${first._id}: ${first.error!.type}: ${first.error!.reason}`,
      );
    }
  }

  private scopeFilter(scope: CubeScope): Query[] {
    return [{ term: { tenant_id: scope.tenant_id } }, { terms: { cube_id: scope.cube_ids } }];
  }

  async search(scope: CubeScope, query: string, limit: number): Promise<ScoredId[]> {
    const terms = queryTerms(query);
    if (terms.length === 0 || limit <= 0 || scope.cube_ids.length === 0) return [];
    const r = await this.call('search', () =>
      this.client.search({
        index: this.alias,
        body: {
          size: Math.floor(limit),
          _source: false,
          track_total_hits: false,
          // The terms are already analysed: one `term` clause each (nothing is parsed as query
          // syntax), OR-ed so documents matching more of them score higher, summed BM25.
          query: {
            bool: {
              filter: this.scopeFilter(scope),
              should: terms.map((t) => ({ term: { text: t } })),
              minimum_should_match: 1,
            },
          },
          sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
        },
      }),
    );
    const hits = (r.body as { hits: { hits: Hit[] } }).hits.hits;
    return hits.map((h) => ({ id: h._id, score: Math.max(0, h._score ?? 0) }));
  }

  async count(scope?: CubeScope): Promise<number> {
    if (scope && scope.cube_ids.length === 0) return 0;
    const query: Query = scope ? { bool: { filter: this.scopeFilter(scope) } } : { match_all: {} };
    const r = await this.call('count', () => this.client.count({ index: this.alias, body: { query } }));
    return (r.body as { count: number }).count;
  }

  /**
   * Empties the index without delete-by-query (not in every distribution): a fresh concrete index
   * takes over the alias in one atomic alias update, then the old one is deleted.
   */
  async clear(): Promise<void> {
    await this.call('clear', () => this.swapInEmptyIndex());
  }

  private async swapInEmptyIndex(): Promise<void> {
    const old = await this.aliasTargets();
    const fresh = this.concreteName(Date.now());
    await this.client.indices.create({ index: fresh, body: { settings: this.settings, mappings: MAPPINGS } });
    await this.client.indices.updateAliases({
      body: {
        actions: [
          ...old.map((index) => ({ remove: { index, alias: this.alias } })),
          { add: { index: fresh, alias: this.alias } },
        ],
      },
    });
    if (old.length > 0) await this.client.indices.delete({ index: old.join(',') });
  }

  /** Deletes every index of this namespace (tests and teardown). */
  async drop(): Promise<void> {
    const targets = await this.aliasTargets();
    const r = await this.client.indices.get({
      index: `${this.alias}-v*`,
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    const all = new Set([...targets, ...Object.keys(r.body as Record<string, unknown>)]);
    if (all.size > 0) await this.client.indices.delete({ index: [...all].join(',') });
  }

  /**
   * Runs a client call and rethrows failures as plain errors: the client's errors carry the HTTP
   * status of the OpenSearch response (e.g. 404 for a missing index), which callers must not mistake
   * for a problem with their own request.
   */
  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as { message?: string; meta?: { body?: { error?: { type?: string; reason?: string } } } };
      const detail = err.meta?.body?.error
        ? `${err.meta.body.error.type}: ${err.meta.body.error.reason}`
        : err.message;
      throw new Error(`OpenSearch ${op} on ${this.alias} failed: ${detail}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

function errorType(e: unknown): string | undefined {
  const meta = (e as { meta?: { body?: { error?: { type?: string } } } }).meta;
  return meta?.body?.error?.type;
}
