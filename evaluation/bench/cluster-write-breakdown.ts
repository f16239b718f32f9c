/**
 * Where a single-memory write spends its time on the cluster stores (Neo4j, OpenSearch, Milvus Lite),
 * through the library (no HTTP, no Kafka): the store calls of the cluster write path, each timed.
 * A script that prints figures, not a test.
 *
 *   deploy/local/infra.sh up opensearch neo4j milvus && . .cache/infra/env.sh
 *   npx tsx evaluation/bench/cluster-write-breakdown.ts [--writes 40] [--preload 2000] [--variants]
 *
 * Each round replays what one async add and its extraction do to the stores, for a fresh cube:
 * - add: `records.getByIds` (MemoryService.writeNew's idempotency check), then `Indexer.write` of the
 *   raw window (records.upsert → lexical/vectors/graph in parallel → records.markIndexed);
 * - fine: `Indexer.write` of two fine memories with DERIVED_FROM edges (what the mem-reader stores);
 * - retire: `Indexer.write` of the archived raw window (record upsert, lexical + vector delete,
 *   markIndexed), after which the mem-reader publishes `completed`.
 * Every store call is timed where the Indexer makes it (calls with nothing to do are not counted);
 * `… parallel` is the span of the parallel index step. Vectors come from the hashing embedder
 * (embedding is not a store cost). `--variants` also times single calls of adapter variants in isolation
 * (OpenSearch refresh modes, Milvus write shapes, Neo4j round trips). Everything the run creates (a
 * unique namespace) is dropped at the end.
 */
import { parseArgs } from 'node:util';
import type { MemoryItem } from '@engram/domain';
import { HashingEmbedder } from '@engram/embedding';
import { buildFastMemories, Indexer, indexText } from '@engram/memory-core';
import type { GraphEdge } from '@engram/ports';
import { normalizeMessages } from '@engram/reader';
import { openClusterStores, type ClusterStores } from '@engram/runtime';
import { OpenSearchLexicalIndex } from '@engram/storage-opensearch';

const { values: opt } = parseArgs({
  options: {
    writes: { type: 'string', default: '40' },
    preload: { type: 'string', default: '2000' },
    variants: { type: 'boolean', default: false },
  },
});
const WRITES = Number(opt.writes);
const PRELOAD = Number(opt.preload);
const TENANT = 'bench';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const f1 = (x: number) => x.toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const WORDS =
  'key flowerpot garden blue spare house trip Paris bike coffee sister dentist Monday piano recipe book'.split(
    ' ',
  );

function rawWindow(cube: string, i: number): MemoryItem {
  const text = `I keep the ${WORDS[i % WORDS.length]} for token${i} next to the ${WORDS[(i * 7) % WORDS.length]}.`;
  const messages = normalizeMessages(
    [
      { role: 'user', content: text, chat_time: '2026-11-22T10:00:00Z' },
      { role: 'assistant', content: 'Noted.', chat_time: '2026-11-22T10:00:01Z' },
    ],
    `${cube}/${i}`,
  );
  const [item] = buildFastMemories(
    messages,
    {
      tenant_id: TENANT,
      cube_id: cube,
      user_id: cube,
      session_id: 's',
      ingest_key: `${cube}/${i}`,
      task_id: `task-${cube}`,
      custom_tags: [],
      info: {},
      now: '2026-11-22T10:00:02Z',
    },
    { maxTokens: 256, overlapTokens: 64 },
  );
  return { ...item!, tags: [...item!.tags, 'extract:pending'] };
}

function fineOf(raw: MemoryItem, i: number): MemoryItem[] {
  return [0, 1].map((k) => ({
    ...raw,
    id: `${raw.id}-fine-${k}`,
    memory: `The user keeps the spare ${WORDS[(i + k) % WORDS.length]} for token${i} under the blue flowerpot.`,
    key: `spare ${WORDS[(i + k) % WORDS.length]}`,
    tags: ['mode:fine'],
    is_fast: false,
    preceding_id: null,
  }));
}

/** Timings per label, for the current phase. */
class Timings {
  readonly calls = new Map<string, number[]>();
  phase = '';
  add(label: string, ms: number): void {
    const key = `${this.phase} ${label}`;
    this.calls.set(key, [...(this.calls.get(key) ?? []), ms]);
  }
  /** Wraps a store so each call with something to do is timed under `<phase> <label>.<method>`. */
  wrap<T extends object>(label: string, store: T): T {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function' || prop === 'constructor') return v;
        return (...args: unknown[]) => {
          const t = now();
          const out = (v as (...a: unknown[]) => unknown).apply(target, args);
          const empty = Array.isArray(args[0]) && args[0].length === 0;
          if (out instanceof Promise && !empty)
            return out.finally(() => this.add(`${label}.${String(prop)}`, now() - t));
          return out;
        };
      },
    });
  }
}

async function rounds(stores: ClusterStores, t: Timings): Promise<void> {
  const embedder = new HashingEmbedder();
  // The parallel step's span: from the first index call to the last one settling.
  const indexer = new Indexer({
    records: t.wrap('records', stores.records),
    lexical: t.wrap('lexical', stores.lexical),
    vectors: t.wrap('vectors', stores.vectors),
    graph: t.wrap('graph', stores.graph),
    embedder,
  });
  const run = Date.now().toString(36);
  for (let i = 0; i < WRITES; i++) {
    const cube = `w-${run}-${i}`;
    const raw = rawWindow(cube, i);
    let t0 = now();
    t.phase = 'add';
    const [existing] = await t.wrap('records', stores.records).getByIds([raw.id]);
    if (existing) throw new Error('fresh cube expected');
    await indexer.write([raw]);
    t.add('TOTAL', now() - t0);

    const fine = fineOf(raw, i);
    const edges: GraphEdge[] = fine.map((f) => ({
      tenant_id: TENANT,
      cube_id: cube,
      from: f.id,
      to: raw.id,
      type: 'DERIVED_FROM',
    }));
    t0 = now();
    t.phase = 'fine';
    await indexer.write(fine, edges);
    t.add('TOTAL', now() - t0);

    t0 = now();
    t.phase = 'retire';
    await indexer.write([
      {
        ...raw,
        status: 'archived',
        tags: raw.tags.filter((x) => !x.startsWith('extract:')),
        evolve_to: fine.map((f) => f.id),
        updated_at: '2026-11-22T10:00:03Z',
      },
    ]);
    t.add('TOTAL', now() - t0);

    // Read-your-writes checks (not timed): the fine memory is found, the retired raw window is not.
    const scope = { tenant_id: TENANT, cube_ids: [cube] };
    const lex = await stores.lexical.search(scope, `token${i}`, 10);
    const vec = await stores.vectors.search(
      scope,
      (await embedder.embed([indexText(fine[0]!)], 'query'))[0]!,
      10,
    );
    const ids = new Set([...lex, ...vec].map((h) => h.id));
    if (!ids.has(fine[0]!.id) || ids.has(raw.id))
      throw new Error(`round ${i}: fine not visible or raw not retired (${[...ids].join(', ')})`);
    const [rec] = await stores.records.getByIds([raw.id]);
    if (rec?.status !== 'archived') throw new Error(`round ${i}: raw record not archived`);
    if ((await stores.records.listPendingIndex(10)).length) throw new Error(`round ${i}: pending left`);
    await sleep(20 + (i % 7) * 37); // spread the writes over the refresh cycle, as requests would be
  }
}

async function timeIt(n: number, fn: (i: number) => Promise<unknown>, gap = true): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn(i);
    out.push(now() - t0);
    if (gap) await sleep(15 + (i % 7) * 37);
  }
  return out;
}

/** Single calls of adapter variants, in isolation. */
async function variants(stores: ClusterStores, ns: string, dim: number): Promise<Map<string, number[]>> {
  const res = new Map<string, number[]>();
  const n = WRITES;
  const doc = (i: number, tag: string) => ({
    id: `v-${tag}-${i}`,
    tenant_id: TENANT,
    cube_id: 'variants',
    text: `variant ${tag} token${i} spare key`,
  });
  const os = process.env.ENGRAM_OPENSEARCH_URL!;
  const lexVariants: [string, OpenSearchLexicalIndex][] = [
    ['opensearch (stores)', stores.lexical],
    [
      'opensearch wait_for 250ms',
      await OpenSearchLexicalIndex.open({
        node: os,
        namespace: `${ns}-w250`,
        refresh: 'wait_for',
        refreshInterval: '250ms',
      }),
    ],
    [
      'opensearch wait_for 50ms',
      await OpenSearchLexicalIndex.open({
        node: os,
        namespace: `${ns}-w50`,
        refresh: 'wait_for',
        refreshInterval: '50ms',
      }),
    ],
    [
      'opensearch refresh=true',
      await OpenSearchLexicalIndex.open({
        node: os,
        namespace: `${ns}-rt`,
        refresh: 'true',
        refreshInterval: '1s',
      }),
    ],
  ];
  for (const [name, lex] of lexVariants) {
    res.set(`${name} upsert 1`, await timeIt(n, (i) => lex.upsert([doc(i, name.length.toString())])));
    res.set(`${name} delete 1`, await timeIt(n, (i) => lex.delete([doc(i, name.length.toString()).id])));
    // Eight writers at once (each call timed on its own): what forcing refreshes costs under concurrency.
    const each: number[] = [];
    for (let r = 0; r < Math.ceil(n / 8); r++) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, k) => {
          const t0 = now();
          await lex.upsert([doc(1000 + r * 8 + k, name.length.toString())]);
          each.push(now() - t0);
        }),
      );
      await sleep(15 + (r % 7) * 37);
    }
    res.set(`${name} upsert 1, 8 concurrent`, each);
  }
  for (const [, lex] of lexVariants.slice(1)) {
    await lex.drop();
    await lex.close();
  }
  const embedder = new HashingEmbedder({ dimension: dim });
  const vdoc = async (i: number, tag: string) => ({
    ...doc(i, tag),
    vector: (await embedder.embed([`v ${tag} ${i}`], 'document'))[0]!,
  });
  const mv = stores.vectors;
  res.set('milvus upsert 1', await timeIt(n, async (i) => mv.upsert([await vdoc(i, 'u')])));
  res.set('milvus delete 1 (existing)', await timeIt(n, (i) => mv.delete([`v-u-${i}`])));
  res.set('milvus delete 1 (absent)', await timeIt(n, (i) => mv.delete([`v-absent-${i}`])));
  res.set(
    'milvus search (Strong)',
    await timeIt(n, async (i) =>
      mv.search({ tenant_id: TENANT, cube_ids: ['variants'] }, (await vdoc(i, 'q')).vector, 10),
    ),
  );
  // The raw client, for shapes the adapter does not use.
  const client = (mv as unknown as { client: import('@zilliz/milvus2-sdk-node').MilvusClient }).client;
  const row = async (i: number, tag: string) => {
    const d = await vdoc(i, tag);
    return { id: d.id, tenant_id: d.tenant_id, cube_id: d.cube_id, vector: Array.from(d.vector) };
  };
  res.set(
    'milvus client insert 1',
    await timeIt(n, async (i) =>
      client.insert({ collection_name: mv.collection, data: [await row(i, 'i')] }),
    ),
  );
  res.set(
    'milvus client delete 1 `id == …`',
    await timeIt(n, (i) => client.delete({ collection_name: mv.collection, filter: `id == "v-i-${i}"` })),
  );
  const db = (stores.records as unknown as { db: { driver: import('neo4j-driver').Driver } }).db.driver;
  res.set('neo4j executeQuery RETURN 1', await timeIt(n, () => db.executeQuery('RETURN 1'), false));
  res.set(
    'neo4j session+tx RETURN 1',
    await timeIt(
      n,
      async () => {
        const s = db.session();
        try {
          await s.executeWrite((tx) => tx.run('RETURN 1'));
        } finally {
          await s.close();
        }
      },
      false,
    ),
  );
  return res;
}

async function main(): Promise<void> {
  for (const v of ['ENGRAM_OPENSEARCH_URL', 'ENGRAM_MILVUS_ADDRESS', 'ENGRAM_NEO4J_URI'])
    if (!process.env[v]) throw new Error(`${v} is not set: . .cache/infra/env.sh`);
  const env = process.env;
  const namespace = `bench_wb_${Date.now().toString(36)}`;
  const dimension = 384;
  const stores = await openClusterStores({
    opensearchUrl: env.ENGRAM_OPENSEARCH_URL!,
    milvusAddress: env.ENGRAM_MILVUS_ADDRESS!,
    neo4jUri: env.ENGRAM_NEO4J_URI!,
    ...(env.ENGRAM_NEO4J_USER
      ? { neo4jUser: env.ENGRAM_NEO4J_USER, neo4jPassword: env.ENGRAM_NEO4J_PASSWORD ?? '' }
      : {}),
    dimension,
    namespace,
  });
  const t = new Timings();
  let extra = new Map<string, number[]>();
  try {
    if (PRELOAD > 0) {
      const indexer = new Indexer({ ...stores, embedder: new HashingEmbedder() });
      const items = Array.from({ length: PRELOAD }, (_, i) => rawWindow(`pre-${i % 20}`, 100_000 + i));
      for (let i = 0; i < items.length; i += 500) await indexer.write(items.slice(i, i + 500));
      console.log(`preloaded ${PRELOAD} memories in 20 cubes`);
    }
    // Warm-up (connections, JIT), not counted.
    t.phase = 'warmup';
    await rounds(stores, new Timings());
    await rounds(stores, t);
    if (opt.variants) extra = await variants(stores, namespace, dimension);
  } finally {
    await Promise.all([
      stores.records.drop(),
      stores.graph.drop(),
      stores.lexical.drop(),
      stores.vectors.drop(),
    ]);
    await stores.close();
  }
  console.log(
    `\n${WRITES} rounds (add → fine → retire), one memory each, p50 / p95 ms; load ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  const order = ['getByIds', 'upsert', 'upsertEdges', 'delete', 'markIndexed', 'TOTAL'];
  const rank = (k: string) => {
    const m = order.findIndex((o) => k.endsWith(o));
    return m < 0 ? order.length : m;
  };
  for (const phase of ['add', 'fine', 'retire']) {
    const rows = [...t.calls].filter(([k]) => k.startsWith(`${phase} `));
    rows.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
    for (const [k, ts] of rows)
      console.log(
        `  ${k.padEnd(34)} ${f1(pct(ts, 50)).padStart(7)} ${f1(pct(ts, 95)).padStart(7)}  ×${ts.length}`,
      );
  }
  if (extra.size) {
    console.log('\nadapter variants in isolation, one document, p50 / p95 ms:');
    for (const [k, ts] of extra)
      console.log(`  ${k.padEnd(40)} ${f1(pct(ts, 50)).padStart(7)} ${f1(pct(ts, 95)).padStart(7)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
