/**
 * Standalone load benchmark (a script that prints figures, not a timed test). Loads N memories into
 * one cube on the embedded stores, starts the compiled server on that data dir as its own process,
 * and measures over HTTP: search latency, fast-mode add latency, resident memory, load throughput and
 * disk size; then profiles where search time goes, in-process, on the same data.
 *
 *   npm run build && npx tsx evaluation/bench/standalone-load.ts [--memories 100000] [--data-dir DIR]
 *     [--queries 500] [--adds 200] [--concurrency 1] [--only embed,load,measure,profile]
 *     [--profile-queries 200] [--batch 1000] [--embed-batch 32] [--embed-threads 2]
 *
 * Corpus vectors are cached under .cache/bench/vectors/ and the data dir is resumable, so an
 * interrupted run picks up where it stopped. Results: evaluation/results/<date>-standalone-<n>/.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createEmbedder } from '@engram/embedding';
import type { Embedder } from '@engram/ports';
import { openEmbeddedStores } from '@engram/storage-embedded';
import { loadConfig } from '../../apps/standalone/src/config';
import {
  CORPUS_VERSION,
  conversationAt,
  loadLocomo,
  questionSet,
  repoRoot,
  type BenchConversation,
} from './standalone/corpus';
import { corpusItems, itemTexts, verifyAgainstService, type BenchScope } from './standalone/items';
import { loadDataDir, readState, TableEmbedder, writeState, type LoadStats } from './standalone/loader';
import { findsAdded, runAdds, runSearches, type AddRun, type SearchRun } from './standalone/measure';
import {
  profileAdds,
  profileSearches,
  type AddProfileReport,
  type ProfileReport,
} from './standalone/profile';
import { ensureBuilt, JsonClient, startServer } from './standalone/server';
import { diskBytes, load, mib, ms, procMemory, type ProcMemory } from './standalone/stats';
import { VectorCache, type EmbedStats } from './standalone/vector-cache';

const PHASES = ['embed', 'load', 'measure', 'profile'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  memories: number;
  dataDir: string;
  queries: number;
  adds: number;
  concurrency: number;
  phases: Set<Phase>;
  profileQueries: number;
  batch: number;
  embedBatch: number;
  embedThreads: number;
}

const label = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

function parseArgs(argv: string[], root: string): Options {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    raw.set(flag.slice(2), value);
  }
  const known = [
    'memories',
    'data-dir',
    'queries',
    'adds',
    'concurrency',
    'only',
    'profile-queries',
    'batch',
    'embed-batch',
    'embed-threads',
  ];
  for (const k of raw.keys())
    if (!known.includes(k))
      throw new Error(`unknown option --${k}; known: ${known.map((x) => `--${x}`).join(' ')}`);
  const int = (k: string, d: number, min = 0) => {
    const v = raw.has(k) ? Number(raw.get(k)) : d;
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be an integer >= ${min}`);
    return v;
  };
  const memories = int('memories', 100_000, 1);
  const phases = new Set((raw.get('only') ?? PHASES.join(',')).split(',').map((p) => p.trim()) as Phase[]);
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--only takes ${PHASES.join(',')}`);
  return {
    memories,
    dataDir: resolve(root, raw.get('data-dir') ?? join('.cache', 'bench', `standalone-${label(memories)}`)),
    queries: int('queries', 500, 1),
    adds: int('adds', 200),
    concurrency: int('concurrency', 1, 1),
    phases,
    profileQueries: int('profile-queries', 200),
    batch: int('batch', 1000, 1),
    embedBatch: int('embed-batch', 32, 1),
    embedThreads: int('embed-threads', 2, 1),
  };
}

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

interface Results {
  benchmark: string;
  date: string;
  git: string;
  machine: { cpus: number; cpu: string; memGiB: number; node: string };
  options: Omit<Options, 'phases' | 'dataDir'> & { dataDir: string; phases: Phase[] };
  corpus: {
    version: string;
    memories: number;
    conversations: number;
    multiWindowConversations: number;
    skippedConversations: number;
    meanChars: number;
    window: { maxTokens: number; overlapTokens: number };
  };
  embed?: EmbedStats & { embedder: string; threads: number; batch: number };
  load?: LoadStats & { totalLoadSeconds: number | undefined };
  measure?: {
    serverStartMs: number;
    firstQueryMs: number;
    health: unknown;
    cubeMemories: number;
    rss: Record<string, ProcMemory>;
    searches: SearchRun[];
    adds?: AddRun;
    addedFoundBySearch?: boolean;
    diskBytes: { total: number; sqlite: number; hnsw: number };
  };
  profile?: ProfileReport[];
  addProfile?: AddProfileReport;
  loadavg: Record<string, [number, number, number]>;
  targets: { search_p50_ms: number; search_p95_ms: number; add_p50_ms: number; rss_mib: number };
}

const TARGETS = { search_p50_ms: 20, search_p95_ms: 60, add_p50_ms: 50, rss_mib: 1536 };

async function main(): Promise<void> {
  const root = repoRoot();
  const opts = parseArgs(process.argv.slice(2), root);
  // The server's own defaults, so the bulk-built windows match what it would write.
  const cfg = loadConfig({}, []);
  const window = { maxTokens: cfg.windowTokens, overlapTokens: cfg.windowOverlap };
  const scope: BenchScope = { tenant: cfg.defaultTenant, cube: 'bench-cube', user: 'bench-user' };
  const results: Results = {
    benchmark: 'standalone-load',
    date: new Date().toISOString(),
    git: gitDescribe(root),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '?',
      memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
    },
    options: { ...opts, dataDir: opts.dataDir, phases: [...opts.phases] },
    corpus: {
      version: CORPUS_VERSION,
      memories: opts.memories,
      conversations: 0,
      multiWindowConversations: 0,
      skippedConversations: 0,
      meanChars: 0,
      window,
    },
    loadavg: { start: load() },
    targets: TARGETS,
  };
  log(
    `standalone-load: ${opts.memories} memories, data dir ${opts.dataDir}, phases ${[...opts.phases].join(',')}, load avg ${load().join(' ')}`,
  );

  const corpus = loadLocomo();
  const now = new Date().toISOString();
  let t0 = performance.now();
  const data = corpusItems(corpus, opts.memories, scope, window, now);
  const texts = itemTexts(data.items);
  const multi = data.firstItem.filter((f, c) => (data.firstItem[c + 1] ?? data.items.length) - f > 1).length;
  Object.assign(results.corpus, {
    conversations: data.conversations.length,
    multiWindowConversations: multi,
    skippedConversations: data.skipped,
    meanChars: Math.round(data.items.reduce((n, m) => n + m.memory.length, 0) / data.items.length),
  });
  log(
    `corpus: ${corpus.pairs.length} LoCoMo turn pairs → ${data.conversations.length} conversations (${multi} over one ${window.maxTokens}-token window) → ` +
      `${data.items.length} memories, mean ${results.corpus.meanChars} chars, in ${((performance.now() - t0) / 1000).toFixed(1)} s (${data.skipped} skipped)`,
  );

  const needVectors =
    opts.phases.has('embed') ||
    (opts.phases.has('load') && (readState(opts.dataDir)?.loaded ?? 0) < opts.memories);
  let vectors: Float32Array[] = [];
  let embedderId = '';
  let dimension = 0;
  if (needVectors) {
    const embedder = await createEmbedder({
      provider: 'onnx',
      onnx: { intraOpThreads: opts.embedThreads, batchSize: opts.embedBatch },
    });
    embedderId = embedder.id;
    dimension = embedder.dimension;
    const cache = VectorCache.open(
      join(root, '.cache', 'bench', 'vectors', `${embedder.id.replace(/[^A-Za-z0-9.-]+/g, '_')}.sha256.f32`),
      embedder,
    );
    let lastLog = 0;
    const stats = await cache.ensure(texts, embedder, (p) => {
      if (performance.now() - lastLog < 30_000 && p.done < p.total) return;
      lastLog = performance.now();
      const eta = (p.total - p.done) / p.docsPerSec;
      log(
        `embedded ${p.done}/${p.total} (${p.docsPerSec.toFixed(1)} docs/s, ETA ${(eta / 60).toFixed(1)} min, load avg ${load().join(' ')})`,
      );
    });
    await embedder.close?.();
    results.embed = { ...stats, embedder: embedder.id, threads: opts.embedThreads, batch: opts.embedBatch };
    log(
      `vectors: ${stats.cached} cached, ${stats.embedded} embedded${stats.embedded ? ` at ${stats.docsPerSec.toFixed(1)} docs/s (${(stats.seconds / 60).toFixed(1)} min)` : ''}`,
    );
    vectors = cache.vectors(texts);
  }
  results.loadavg['after_embed'] = load();

  if (opts.phases.has('load')) {
    const state = readState(opts.dataDir);
    if ((state?.loaded ?? 0) >= opts.memories) {
      log(`data dir already loaded (${state!.loaded} memories + ${state!.extra_adds} added by earlier runs)`);
    } else {
      const items = data.items;
      const table = new TableEmbedder(embedderId, dimension, texts, vectors);
      await verifyAgainstService(data, scope, window, table, now);
      log('bulk-built memories are identical to MemoryService.add output (checked on the first 5)');
      t0 = performance.now();
      let lastLog = 0;
      const stats = await loadDataDir({
        dataDir: opts.dataDir,
        scope,
        window,
        items,
        vectors,
        embedder: table,
        batch: opts.batch,
        onProgress: (done, total, perSec) => {
          if (performance.now() - lastLog < 30_000 && done < total) return;
          lastLog = performance.now();
          log(`loaded ${done}/${total} (${perSec.toFixed(0)} memories/s)`);
        },
      });
      results.load = { ...stats, totalLoadSeconds: readState(opts.dataDir)?.load_seconds };
      log(
        `load: ${stats.written} memories written in ${stats.seconds.toFixed(1)} s (${stats.perSec.toFixed(0)}/s, store writes only; HNSW checkpoint included)`,
      );
    }
  }
  vectors = []; // let the loader's copy go before the server starts
  results.loadavg['after_load'] = load();

  const state = readState(opts.dataDir);
  const questions = questionSet(corpus, 20 + 2 * opts.queries);
  const warmup = questions.slice(0, 20);
  const qMmr = questions.slice(20, 20 + opts.queries);
  const qNo = questions.slice(20 + opts.queries);

  if (opts.phases.has('measure')) {
    if (!state || state.loaded < opts.memories)
      throw new Error(`${opts.dataDir} is not loaded: run with --only load first`);
    ensureBuilt(root, log);
    results.loadavg['before_measure'] = load();
    const server = await startServer(root, opts.dataDir);
    const client = new JsonClient(server.url, opts.concurrency);
    try {
      const rss: Record<string, ProcMemory> = { after_start: procMemory(server.pid) };
      const health = (await (await fetch(`${server.url}/health`)).json()) as unknown;
      log(
        `server up in ${server.startMs.toFixed(0)} ms, pid ${server.pid}, RSS ${rss['after_start']!.rssMiB.toFixed(0)} MiB`,
      );
      // The first query loads the cube's HNSW graph from its checkpoint.
      const first = await client.post('/product/search', {
        query: warmup[0],
        user_id: scope.user,
        readable_cube_ids: [scope.cube],
        top_k: 10,
      });
      for (const q of warmup.slice(1))
        await client.post('/product/search', {
          query: q,
          user_id: scope.user,
          readable_cube_ids: [scope.cube],
          top_k: 10,
        });
      rss['after_load_and_warmup'] = procMemory(server.pid);
      log(
        `first query ${first.ms.toFixed(0)} ms (loads the cube), RSS after warm-up ${rss['after_load_and_warmup']!.rssMiB.toFixed(0)} MiB`,
      );

      const searches: SearchRun[] = [];
      results.loadavg['search_mmr'] = load();
      searches.push(
        await runSearches(client, qMmr, scope, undefined, opts.concurrency, 'search (dedup mmr, default)'),
      );
      results.loadavg['search_no'] = load();
      searches.push(await runSearches(client, qNo, scope, 'no', opts.concurrency, "search (dedup 'no')"));
      rss['after_searches'] = procMemory(server.pid);
      for (const s of searches)
        log(
          `${s.label}: p50 ${ms(s.latency.p50)} p95 ${ms(s.latency.p95)} p99 ${ms(s.latency.p99)} mean ${ms(s.latency.mean)} ms (server ${ms(s.server.p50)}/${ms(s.server.p95)}), ${s.qps.toFixed(1)} q/s, ${s.meanResults.toFixed(1)} results`,
        );

      let adds: Awaited<ReturnType<typeof runAdds>> | undefined;
      let found: boolean | undefined;
      if (opts.adds > 0) {
        // Fresh conversations far past the loaded range, and past earlier runs' adds.
        const start = 10_000_000 + state.extra_adds;
        const convs: BenchConversation[] = Array.from({ length: opts.adds }, (_, i) =>
          conversationAt(corpus, start + i),
        );
        results.loadavg['adds'] = load();
        adds = await runAdds(client, convs, scope, opts.concurrency);
        writeState(opts.dataDir, { ...state, extra_adds: state.extra_adds + opts.adds });
        rss['after_adds'] = procMemory(server.pid);
        found = await findsAdded(
          client,
          convs[convs.length - 1]!,
          adds.ids.get(convs[convs.length - 1]!) ?? [],
          scope,
        );
        log(
          `add (fast, 2 messages): p50 ${ms(adds.latency.p50)} p95 ${ms(adds.latency.p95)} p99 ${ms(adds.latency.p99)} ms, ${adds.memoriesPerAdd.toFixed(2)} memories/add; last add found by search: ${found}`,
        );
      }
      const countRes = await client.post<{ data?: { text_mem?: { total_nodes: number }[] } }>(
        '/product/get_memory',
        { mem_cube_id: scope.cube, page: 1, page_size: 1 },
      );
      const cubeMemories = countRes.body.data?.text_mem?.[0]?.total_nodes ?? -1;
      results.measure = {
        serverStartMs: server.startMs,
        firstQueryMs: first.ms,
        health,
        cubeMemories,
        rss,
        searches,
        ...(adds
          ? {
              adds: {
                concurrency: adds.concurrency,
                latency: adds.latency,
                memoriesPerAdd: adds.memoriesPerAdd,
                wallSeconds: adds.wallSeconds,
                addsPerSec: adds.addsPerSec,
              },
            }
          : {}),
        ...(found !== undefined ? { addedFoundBySearch: found } : {}),
        diskBytes: { total: 0, sqlite: 0, hnsw: 0 },
      };
    } finally {
      client.close();
      await server.stop();
    }
    const sqlite = ['engram.db', 'engram.db-wal', 'engram.db-shm'].reduce(
      (n, f) => n + safeBytes(join(opts.dataDir, f)),
      0,
    );
    if (results.measure)
      results.measure.diskBytes = {
        total: diskBytes(opts.dataDir),
        sqlite,
        hnsw: safeBytes(join(opts.dataDir, 'hnsw')),
      };
  }

  if (opts.phases.has('profile') && opts.profileQueries > 0) {
    results.loadavg['profile'] = load();
    // Same embedder as the server's default (`auto`: ONNX, default intra-op threads).
    const embedder: Embedder = await createEmbedder({ provider: 'onnx' });
    const stores = await openEmbeddedStores({ dataDir: opts.dataDir, dimension: embedder.dimension });
    try {
      const deps = { ...stores, embedder };
      const sample = qMmr.slice(0, opts.profileQueries);
      await profileSearches(deps, scope, warmup, 'mmr'); // loads the graph, warms caches
      results.profile = [
        await profileSearches(deps, scope, sample, 'mmr'),
        await profileSearches(deps, scope, sample, 'no'),
      ];
      const nAdds = Math.min(opts.adds, 100);
      if (nAdds > 0) {
        const st = readState(opts.dataDir)!;
        const convs = Array.from({ length: nAdds }, (_, i) =>
          conversationAt(corpus, 10_000_000 + st.extra_adds + i),
        );
        results.addProfile = await profileAdds(deps, scope, window, convs);
        writeState(opts.dataDir, { ...st, extra_adds: st.extra_adds + nAdds });
      }
    } finally {
      await stores.close();
      await embedder.close?.();
    }
  }
  results.loadavg['end'] = load();

  const outDir = join(
    root,
    'evaluation',
    'results',
    `${results.date.slice(0, 10)}-standalone-${label(opts.memories)}`,
  );
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `results-${results.date.slice(11, 19).replace(/:/g, '')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\n${report(results)}\nresults: ${file}`);
}

const safeBytes = (p: string) => {
  try {
    return diskBytes(p);
  } catch {
    return 0;
  }
};

function gitDescribe(root: string): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no -- libs apps', { cwd: root })
      .toString()
      .trim();
    return dirty ? `${head}+dirty(libs/apps)` : head;
  } catch {
    return 'unknown';
  }
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function report(r: Results): string {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(
    `Engram standalone, ${r.corpus.memories} memories in one cube — ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memGiB} GiB, node ${r.machine.node}, git ${r.git}`,
  );
  lines.push(
    `load average: ${Object.entries(r.loadavg)
      .map(([k, v]) => `${k} ${v.join('/')}`)
      .join('; ')}`,
  );
  lines.push('');
  row(['measure', 'value', 'target', '']);
  row(['---', '---', '---', '---']);
  const m = r.measure;
  if (m) {
    for (const s of m.searches) {
      row([
        `${s.label} p50 / p95 / p99 / mean`,
        `${ms(s.latency.p50)} / ${ms(s.latency.p95)} / ${ms(s.latency.p99)} / ${ms(s.latency.mean)} ms`,
        'p50 ≤ 20, p95 ≤ 60 ms',
        verdict(s.latency.p50 <= TARGETS.search_p50_ms && s.latency.p95 <= TARGETS.search_p95_ms),
      ]);
      row([`  of which server took_ms p50 / p95`, `${ms(s.server.p50)} / ${ms(s.server.p95)} ms`, '', '']);
    }
    if (m.adds)
      row([
        `add, fast, 2 messages p50 / p95 / p99`,
        `${ms(m.adds.latency.p50)} / ${ms(m.adds.latency.p95)} / ${ms(m.adds.latency.p99)} ms`,
        'p50 ≤ 50 ms',
        verdict(m.adds.latency.p50 <= TARGETS.add_p50_ms),
      ]);
    const peak = Math.max(...Object.values(m.rss).map((x) => x.hwmMiB));
    for (const [k, v] of Object.entries(m.rss))
      row([`server RSS ${k} (VmRSS / VmHWM)`, `${v.rssMiB.toFixed(0)} / ${v.hwmMiB.toFixed(0)} MiB`, '', '']);
    row([
      'server peak RSS (VmHWM)',
      `${peak.toFixed(0)} MiB`,
      '≤ 1536 MiB',
      verdict(peak <= TARGETS.rss_mib),
    ]);
    row([
      'server start → /health; first query (cube load)',
      `${m.serverStartMs.toFixed(0)} ms; ${m.firstQueryMs.toFixed(0)} ms`,
      '',
      '',
    ]);
    row([
      'data dir on disk (SQLite / HNSW)',
      `${mib(m.diskBytes.total)} (${mib(m.diskBytes.sqlite)} / ${mib(m.diskBytes.hnsw)})`,
      '',
      '',
    ]);
    row(['memories in the cube', String(m.cubeMemories), '', '']);
  }
  if (r.embed)
    row([
      'corpus embedding',
      r.embed.embedded
        ? `${r.embed.embedded} docs at ${r.embed.docsPerSec.toFixed(1)} docs/s (${(r.embed.seconds / 60).toFixed(1)} min), ${r.embed.cached} cached`
        : `${r.embed.cached} cached`,
      '',
      '',
    ]);
  if (r.load)
    row([
      'store load (records + FTS5 + HNSW + graph)',
      `${r.load.written} in ${r.load.seconds.toFixed(0)} s = ${r.load.perSec.toFixed(0)}/s`,
      '',
      '',
    ]);
  const breakdown = (title: string, stages: ProfileReport['stages']) => {
    lines.push('', title, '| stage | mean | p50 | p95 | share of mean |', '| --- | --- | --- | --- | --- |');
    for (const s of stages)
      lines.push(
        `| ${s.stage} | ${ms(s.mean)} | ${ms(s.p50)} | ${ms(s.p95)} | ${(s.share * 100).toFixed(0)}% |`,
      );
  };
  for (const p of r.profile ?? [])
    breakdown(`in-process search breakdown, dedup ${p.dedup}, ${p.queries} queries (ms):`, p.stages);
  if (r.addProfile)
    breakdown(`in-process fast-mode add breakdown, ${r.addProfile.adds} adds (ms):`, r.addProfile.stages);
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
