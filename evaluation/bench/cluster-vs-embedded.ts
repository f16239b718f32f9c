/**
 * Search latency on the cluster stores (Neo4j + OpenSearch + Milvus) next to the embedded ones
 * (SQLite + FTS5 + HNSW) for the same data, through the library (no HTTP): LoCoMo turns become fast
 * memories (`normalizeMessages` → `buildFastMemories`), are written with `Indexer.write`, and LoCoMo
 * questions are asked with `MemoryService.search` (hybrid recall → fusion → top_k). A script that
 * prints figures, not a test.
 *
 *   deploy/local/infra.sh up opensearch neo4j milvus && . .cache/infra/env.sh
 *   npx tsx evaluation/bench/cluster-vs-embedded.ts [--memories 10000] [--queries 200] [--top-k 10]
 *     [--embedder auto|onnx|hashing] [--data-file <locomo10.dev.json>]
 *
 * Query vectors are computed once up front and served from memory to both backends, so the figures
 * are storage + retrieval time only (the query embedding time is printed separately). Everything the
 * run creates (a temp data dir, a unique cluster namespace) is deleted at the end.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MemoryItem } from '@engram/domain';
import {
  buildFastMemories,
  indexText,
  Indexer,
  MemoryService,
  type SearchCommand,
} from '@engram/memory-core';
import type { Embedder } from '@engram/ports';
import { normalizeMessages } from '@engram/reader';
import { openEmbeddedStores } from '@engram/storage-embedded';
import { openClusterStores } from '../../apps/standalone/src/cluster-stores';
import { loadConfig } from '../../apps/standalone/src/config';
import { buildEmbedder } from '../../apps/standalone/src/embedder';
import type { Stores } from '../../apps/standalone/src/stores';
import { loadLocomo, type LocomoConversation } from '../src/data/locomo';

const ROOT = resolve(__dirname, '..', '..');
const TENANT = 'bench';

const { values: opt } = parseArgs({
  options: {
    memories: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
    'top-k': { type: 'string', default: '10' },
    embedder: { type: 'string', default: 'auto' },
    'data-file': {
      type: 'string',
      default: join(ROOT, '..', 'shared', 'data', 'locomo', 'locomo10.dev.json'),
    },
    batch: { type: 'string', default: '500' },
  },
});
const N = Number(opt.memories);
const Q = Number(opt.queries);
const TOP_K = Number(opt['top-k']);
const BATCH = Number(opt.batch);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const f1 = (x: number) => x.toFixed(1);

/** Memory i is LoCoMo turn i mod T, in cube `<conversation>-c<i div T>`: each copy is another user. */
function corpus(convs: LocomoConversation[]): { items: MemoryItem[]; cubesOf: Map<string, string[]> } {
  const turns = convs.flatMap((c) => c.turns.map((t) => ({ conv: c.id, t })));
  const items: MemoryItem[] = [];
  const cubesOf = new Map<string, string[]>();
  for (let i = 0; i < N; i++) {
    const { conv, t } = turns[i % turns.length]!;
    const cube = `${conv}-c${Math.floor(i / turns.length)}`;
    if (!cubesOf.get(conv)?.includes(cube)) cubesOf.set(conv, [...(cubesOf.get(conv) ?? []), cube]);
    const messages = normalizeMessages(
      [{ role: 'user', content: t.content, chat_time: t.chatTime, message_id: t.diaId }],
      `${cube}/${t.diaId}`,
    );
    const ctx = {
      tenant_id: TENANT,
      cube_id: cube,
      user_id: cube,
      session_id: `session_${t.session}`,
      ingest_key: `${cube}/${t.diaId}`,
      task_id: 'bench',
      custom_tags: [],
      info: {},
      now: t.chatTime,
    };
    items.push(...buildFastMemories(messages, ctx, { maxTokens: 256, overlapTokens: 64 }));
  }
  return { items: items.slice(0, N), cubesOf };
}

/** Serves precomputed query vectors; documents go to the real embedder. */
class PrecomputedQueries implements Embedder {
  readonly id: string;
  readonly dimension: number;
  constructor(
    private readonly inner: Embedder,
    private readonly queries: Map<string, Float32Array>,
  ) {
    this.id = inner.id;
    this.dimension = inner.dimension;
  }
  async embed(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]> {
    if (kind === 'query' && texts.every((t) => this.queries.has(t)))
      return texts.map((t) => this.queries.get(t)!);
    return this.inner.embed(texts, kind);
  }
}

/** Document vectors, cached in .cache/bench/ per embedder (embedding LoCoMo takes minutes on 2 cores). */
async function documentVectors(embedder: Embedder, texts: string[]): Promise<Map<string, Float32Array>> {
  const file = join(
    ROOT,
    '.cache',
    'bench',
    `cluster-vs-embedded-${embedder.id.replace(/[^A-Za-z0-9.-]+/g, '_')}.json`,
  );
  const cached = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const [t, b64] of Object.entries(saved)) {
      const buf = Buffer.from(b64, 'base64');
      cached.set(t, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    }
  }
  const missing = texts.filter((t) => !cached.has(t));
  for (let i = 0; i < missing.length; i += 64) {
    const part = missing.slice(i, i + 64);
    (await embedder.embed(part, 'document')).forEach((v, j) => cached.set(part[j]!, v));
  }
  if (missing.length) {
    mkdirSync(dirname(file), { recursive: true });
    const out: Record<string, string> = {};
    for (const [t, v] of cached)
      out[t] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    writeFileSync(file, JSON.stringify(out));
  }
  return new Map(texts.map((t) => [t, cached.get(t)!]));
}

interface Run {
  name: string;
  loadSeconds: number;
  search: number[];
  lexical: number[];
  vector: number[];
  write: number[];
  results: string[][];
  calls: Map<string, number[]>;
}

async function measure(
  name: string,
  stores: Stores,
  embedder: Embedder,
  items: MemoryItem[],
  docVectors: Map<string, Float32Array>,
  questions: { query: string; cube: string }[],
  queryVectors: Map<string, Float32Array>,
): Promise<Run> {
  const indexer = new Indexer({ ...stores, embedder });
  let t0 = now();
  for (let i = 0; i < items.length; i += BATCH) {
    const page = items.slice(i, i + BATCH);
    await indexer.write(
      page,
      [],
      page.map((m) => docVectors.get(indexText(m))!),
    );
    if ((i / BATCH) % 5 === 0) process.stdout.write(`\r  ${name}: loaded ${i + page.length}/${items.length}`);
  }
  const loadSeconds = (now() - t0) / 1000;
  console.log(`\r  ${name}: loaded ${items.length} memories in ${f1(loadSeconds)} s`);

  // Every store call the searches make, timed (calls run partly in parallel, so they overlap).
  const calls = new Map<string, number[]>();
  const timed = <T extends object>(label: string, store: T): T =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function' || prop === 'constructor') return v;
        return (...args: unknown[]) => {
          const t = now();
          const out = (v as (...a: unknown[]) => unknown).apply(target, args);
          if (out instanceof Promise) {
            return out.finally(() => {
              const key = `${label}.${String(prop)}`;
              calls.set(key, [...(calls.get(key) ?? []), now() - t]);
            });
          }
          return out;
        };
      },
    });
  const memory = new MemoryService({
    records: timed('records', stores.records),
    lexical: timed('lexical', stores.lexical),
    vectors: timed('vectors', stores.vectors),
    graph: timed('graph', stores.graph),
    embedder,
    window: { maxTokens: 256, overlapTokens: 64 },
  });
  const cmd = (q: { query: string; cube: string }): SearchCommand => ({
    tenant_id: TENANT,
    user_id: q.cube,
    query: q.query,
    cube_ids: [q.cube],
    top_k: TOP_K,
    relativity: 0,
    dedup: 'mmr',
    filter: null,
    include_preference: false,
    pref_top_k: 0,
    search_tool_memory: false,
    tool_mem_top_k: 0,
    include_skill_memory: false,
    skill_mem_top_k: 0,
  });
  for (const q of questions.slice(0, 20)) await memory.search(cmd(q)); // warm-up: JIT, connections, caches
  calls.clear();
  const run: Run = { name, loadSeconds, search: [], lexical: [], vector: [], write: [], results: [], calls };
  for (const q of questions) {
    t0 = now();
    const out = await memory.search(cmd(q));
    run.search.push(now() - t0);
    run.results.push(out.buckets.flatMap((b) => b.memories.map((m) => m.item.id)));
  }
  // The two recall calls alone (the hybrid search runs them in parallel with the graph lookup).
  for (const q of questions) {
    const scope = { tenant_id: TENANT, cube_ids: [q.cube] };
    t0 = now();
    await stores.lexical.search(scope, q.query, 50);
    run.lexical.push(now() - t0);
    t0 = now();
    await stores.vectors.search(scope, queryVectors.get(q.query)!, 50);
    run.vector.push(now() - t0);
  }
  // Single-memory writes (what one small add costs the stores): record, three indexes, mark indexed.
  for (const m of items.slice(0, 50)) {
    const copy = { ...m, id: `${m.id}-w`, cube_id: 'bench-writes', user_id: 'bench-writes' };
    t0 = now();
    await indexer.write([copy], [], [docVectors.get(indexText(m))!]);
    run.write.push(now() - t0);
  }
  return run;
}

async function main(): Promise<void> {
  const env = process.env;
  for (const v of ['ENGRAM_OPENSEARCH_URL', 'ENGRAM_MILVUS_ADDRESS', 'ENGRAM_NEO4J_URI']) {
    if (!env[v])
      throw new Error(
        `${v} is not set: deploy/local/infra.sh up opensearch neo4j milvus && . .cache/infra/env.sh`,
      );
  }
  const convs = loadLocomo(opt['data-file']);
  const { items, cubesOf } = corpus(convs);
  // Round-robin over the conversations that made it into the corpus, and over each one's copies.
  const asked = convs.filter((c) => cubesOf.has(c.id));
  const questions = Array.from({ length: Q }, (_, i) => {
    const c = asked[i % asked.length]!;
    const round = Math.floor(i / asked.length);
    const cubes = cubesOf.get(c.id)!;
    return { query: c.questions[round % c.questions.length]!.question, cube: cubes[round % cubes.length]! };
  });
  console.log(
    `${items.length} memories in ${[...cubesOf.values()].flat().length} cubes from ${convs.length} LoCoMo conversations; ${questions.length} questions, top_k ${TOP_K}`,
  );

  const base = await buildEmbedder(loadConfig({ ENGRAM_EMBEDDER: opt.embedder }));
  console.log(`embedder: ${base.id}`);
  let t0 = now();
  const docVectors = await documentVectors(base, [...new Set(items.map(indexText))]);
  console.log(
    `${docVectors.size} distinct memory texts embedded (or read from the cache) in ${f1((now() - t0) / 1000)} s`,
  );
  const queryVectors = new Map<string, Float32Array>();
  const qTimes: number[] = [];
  for (const q of new Set(questions.map((x) => x.query))) {
    t0 = now();
    queryVectors.set(q, (await base.embed([q], 'query'))[0]!);
    qTimes.push(now() - t0);
  }
  const embedder = new PrecomputedQueries(base, queryVectors);

  const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-'));
  const namespace = `bench_${Date.now().toString(36)}`;
  const runs: Run[] = [];
  try {
    const embedded = await openEmbeddedStores({ dataDir, dimension: embedder.dimension });
    try {
      runs.push(await measure('embedded', embedded, embedder, items, docVectors, questions, queryVectors));
    } finally {
      await embedded.close();
    }
    const cluster = await openClusterStores({
      opensearchUrl: env.ENGRAM_OPENSEARCH_URL!,
      milvusAddress: env.ENGRAM_MILVUS_ADDRESS!,
      neo4jUri: env.ENGRAM_NEO4J_URI!,
      ...(env.ENGRAM_NEO4J_USER
        ? { neo4jUser: env.ENGRAM_NEO4J_USER, neo4jPassword: env.ENGRAM_NEO4J_PASSWORD ?? '' }
        : {}),
      dimension: embedder.dimension,
      namespace,
    });
    try {
      runs.push(await measure('cluster', cluster, embedder, items, docVectors, questions, queryVectors));
    } finally {
      await Promise.all([
        cluster.records.drop(),
        cluster.graph.drop(),
        cluster.lexical.drop(),
        cluster.vectors.drop(),
      ]);
      await cluster.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await base.close?.();
  }

  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  console.log(
    `\nquery embedding (excluded below): p50 ${f1(pct(qTimes, 50))} ms, p95 ${f1(pct(qTimes, 95))} ms\n`,
  );
  console.log(
    row([
      'stores',
      'load (s)',
      'search p50 (ms)',
      'search p95 (ms)',
      'search mean (ms)',
      'BM25 p50 / p95 (ms)',
      'vector p50 / p95 (ms)',
      '1-memory write p50 / p95 (ms)',
    ]),
  );
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of runs) {
    const mean = r.search.reduce((a, b) => a + b, 0) / r.search.length;
    console.log(
      row([
        r.name,
        f1(r.loadSeconds),
        f1(pct(r.search, 50)),
        f1(pct(r.search, 95)),
        f1(mean),
        `${f1(pct(r.lexical, 50))} / ${f1(pct(r.lexical, 95))}`,
        `${f1(pct(r.vector, 50))} / ${f1(pct(r.vector, 95))}`,
        `${f1(pct(r.write, 50))} / ${f1(pct(r.write, 95))}`,
      ]),
    );
  }
  console.log('\nstore calls per search (count per search, p50 / p95 ms):');
  for (const r of runs) {
    const parts = [...r.calls]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, ts]) => `${k} ×${f1(ts.length / r.search.length)} ${f1(pct(ts, 50))} / ${f1(pct(ts, 95))}`);
    console.log(`  ${r.name}: ${parts.join('; ')}`);
  }
  if (runs.length === 2) {
    const [a, b] = runs as [Run, Run];
    let overlap = 0;
    let same = 0;
    a.results.forEach((ids, i) => {
      const other = new Set(b.results[i]);
      overlap += ids.length ? ids.filter((id) => other.has(id)).length / ids.length : 1;
      if (ids.join() === b.results[i]!.join()) same++;
    });
    console.log(
      `\nsame top-${TOP_K} (ids and order): ${same}/${a.results.length}; mean overlap of the top-${TOP_K}: ${f1((100 * overlap) / a.results.length)} %`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
