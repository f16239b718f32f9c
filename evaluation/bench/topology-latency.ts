/**
 * Add → searchable latency through the cluster topology: gateway, ingestion, retrieval, mem-reader and
 * scheduler as their own processes (compiled apps, as deploy/local/services.sh runs them) on the real
 * Kafka, OpenSearch, Neo4j and Milvus, with the fake OpenAI-compatible server as the extraction LLM.
 * A script that prints figures, not a test.
 *
 *   deploy/local/infra.sh up && . .cache/infra/env.sh
 *   npx tsx evaluation/bench/topology-latency.ts [--adds 50] [--llm-delay-ms 0] [--poll-ms 20]
 *     [--embedder auto|onnx|hashing] [--out evaluation/results/<dir>/topology-latency.json]
 *
 * Adds are sent one at a time, each for a fresh user (its own cube) with a unique token, and measured:
 * - ack: the async add's HTTP response (fast write to the three stores + raw-input and task events
 *   acknowledged by Kafka);
 * - raw searchable: from sending the add until a search through the gateway returns the raw memory;
 * - fine searchable: until a search returns the fine memory the mem-reader extracted (the raw window
 *   retired): Kafka delivery, extraction (fake LLM answering after --llm-delay-ms), fine write, index
 *   refresh;
 * - task completed: until the scheduler (fed by task events) reports the task completed;
 * - sync fine: an `async_mode=sync` + `mode=fine` add's response time (it waits for the mem-reader).
 * Searches are polled every --poll-ms, so searchable figures are over-stated by up to that much.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeOpenAiServer, lastUserText, uniqueName } from '@engram/testing';
import { http, startTopology } from '../../apps/gateway/test/services';
import { dist, type Dist } from './standalone/stats';

const ROOT = resolve(__dirname, '..', '..');
const { values: opt } = parseArgs({
  options: {
    adds: { type: 'string', default: '50' },
    'llm-delay-ms': { type: 'string', default: '0' },
    'poll-ms': { type: 'string', default: '20' },
    embedder: { type: 'string', default: 'auto' },
    out: { type: 'string' },
  },
});
const ADDS = Number(opt.adds);
const LLM_DELAY = Number(opt['llm-delay-ms']);
const POLL = Number(opt['poll-ms']);
const TIMEOUT_MS = 120_000;

const SERVERS = [
  'ENGRAM_KAFKA_BROKERS',
  'ENGRAM_OPENSEARCH_URL',
  'ENGRAM_MILVUS_ADDRESS',
  'ENGRAM_NEO4J_URI',
];
const missing = SERVERS.filter((v) => !process.env[v]);
if (missing.length) {
  console.error(`${missing.join(', ')} not set: run deploy/local/infra.sh up && . .cache/infra/env.sh`);
  process.exit(2);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SearchMem {
  memory: string;
  metadata: { is_fast: boolean };
}

/** The fine memory the fake LLM extracts for an add: it names the add's token and cites its message. */
function fineText(token: string): string {
  return `The user keeps the spare key for ${token} under the blue flowerpot.`;
}

async function until(what: string, probe: () => Promise<boolean>): Promise<number> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await probe()) return now();
    await sleep(POLL);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  // the services run from dist/: build it from the current sources
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  if (
    spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
      .status !== 0
  )
    throw new Error('build failed');

  const fake = new FakeOpenAiServer();
  await fake.start();
  fake.setDefault((body) => {
    const token = /tok[a-z0-9]+/.exec(lastUserText(body))?.[0] ?? 'unknown';
    return {
      delayMs: LLM_DELAY,
      json: {
        memories: [
          {
            key: 'spare key',
            value: fineText(token),
            memory_type: 'UserMemory',
            tags: ['home'],
            event_time: null,
            source_message_ids: [`m-${token}`],
          },
        ],
        summary: 'Where the spare key is.',
      },
    };
  });
  const namespace = uniqueName('toplat');
  const topo = await startTopology({
    ENGRAM_EMBEDDER: opt.embedder!,
    ENGRAM_CLUSTER_NAMESPACE: namespace,
    ENGRAM_GROUP_PREFIX: namespace,
    ENGRAM_LLM_BASE_URL: fake.baseUrl,
    ENGRAM_LLM_EXTRACTOR_MODEL: 'fake-extractor',
    ENGRAM_LLM_MAX_RETRIES: '0',
  });
  const gw = topo.gateway.url;
  const sch = topo.scheduler.url;
  const search = async (user: string, query: string): Promise<SearchMem[]> => {
    const r = await http('POST', `${gw}/product/search`, { user_id: user, query, relativity: 0, top_k: 5 });
    if (r.status !== 200) throw new Error(`search: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body.data.text_mem as { memories: SearchMem[] }[]).flatMap((b) => b.memories);
  };
  const message = (token: string) => [
    {
      role: 'user',
      content: `About ${token}: I keep the spare key under the blue flowerpot by the door.`,
      message_id: `m-${token}`,
    },
  ];

  const ack: number[] = [];
  const rawSearchable: number[] = [];
  const fineSearchable: number[] = [];
  const taskCompleted: number[] = [];
  const syncFine: number[] = [];
  try {
    // warm-up: first calls pay for connections, JIT and index creation
    for (let i = 0; i < 3; i++) {
      const token = `tok${uniqueName('w').replace(/[^a-z0-9]/g, '')}`;
      await http('POST', `${gw}/product/add`, {
        user_id: `warm${i}`,
        messages: message(token),
        async_mode: 'sync',
        mode: 'fine',
      });
    }
    for (let i = 0; i < ADDS; i++) {
      const token = `tok${uniqueName('a').replace(/[^a-z0-9]/g, '')}`;
      const user = `u${token}`;
      const t0 = now();
      const r = await http('POST', `${gw}/product/add`, { user_id: user, messages: message(token) });
      if (r.status !== 200) throw new Error(`add: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      ack.push(now() - t0);
      const taskId: string = r.body.task_id;
      // raw first (it may already be retired if extraction won the race: then it counts as searchable when fine is)
      let fineAt = 0;
      const rawAt = await until('the raw memory', async () => {
        const mems = await search(user, token);
        if (mems.some((m) => !m.metadata.is_fast && m.memory === fineText(token))) fineAt = now();
        return mems.some((m) => m.memory.includes(token));
      });
      rawSearchable.push(rawAt - t0);
      if (!fineAt)
        fineAt = await until('the fine memory', async () =>
          (await search(user, token)).some((m) => !m.metadata.is_fast && m.memory === fineText(token)),
        );
      fineSearchable.push(fineAt - t0);
      const doneAt = await until('the task', async () => {
        const st = await http('GET', `${sch}/product/scheduler/status?task_id=${taskId}`);
        return st.status === 200 && st.body.data[0]?.status === 'completed';
      });
      taskCompleted.push(doneAt - t0);

      const syncToken = `tok${uniqueName('s').replace(/[^a-z0-9]/g, '')}`;
      const s0 = now();
      const s = await http('POST', `${gw}/product/add`, {
        user_id: `u${syncToken}`,
        messages: message(syncToken),
        async_mode: 'sync',
        mode: 'fine',
      });
      syncFine.push(now() - s0);
      const got = (s.body.data as { memory: string }[] | undefined)?.map((m) => m.memory) ?? [];
      if (s.status !== 200 || !got.includes(fineText(syncToken)))
        throw new Error(
          `sync fine add did not answer with its fine memory: HTTP ${s.status} ${JSON.stringify(s.body)}`,
        );
    }
  } finally {
    await topo.stop();
    await fake.stop();
  }

  const rows: [string, Dist][] = [
    ['async add acknowledged', dist(ack)],
    ['add → raw memory searchable', dist(rawSearchable)],
    ['add → fine memory searchable', dist(fineSearchable)],
    ['add → task completed (scheduler)', dist(taskCompleted)],
    ['sync fine add (response)', dist(syncFine)],
  ];
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(
    `\nadd → searchable through the topology: ${ADDS} adds, fake LLM delay ${LLM_DELAY} ms, poll ${POLL} ms, embedder ${opt.embedder}`,
  );
  console.log(
    `${'ms'.padEnd(36)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}${'mean'.padStart(8)}`,
  );
  for (const [name, d] of rows)
    console.log(`${name.padEnd(36)}${f(d.p50)}${f(d.p95)}${f(d.p99)}${f(d.max)}${f(d.mean)}`);
  if (opt.out) {
    mkdirSync(dirname(resolve(opt.out)), { recursive: true });
    writeFileSync(
      resolve(opt.out),
      JSON.stringify(
        {
          adds: ADDS,
          llm_delay_ms: LLM_DELAY,
          poll_ms: POLL,
          embedder: opt.embedder,
          rows: Object.fromEntries(rows),
        },
        null,
        2,
      ),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
