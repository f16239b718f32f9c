import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { Client } from '@opensearch-project/opensearch';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import request from 'supertest';
import { requireServers, uniqueName } from '@engram/testing';
import { openClusterStores } from '../src/cluster-stores';
import { loadConfig } from '../src/config';
import { createStandaloneApp, type StandaloneApp } from '../src/standalone';
import { ROOT } from './process';

jest.setTimeout(600_000);

const run = promisify(execFile);
const VARS = ['ENGRAM_OPENSEARCH_URL', 'ENGRAM_MILVUS_ADDRESS', 'ENGRAM_NEO4J_URI'] as const;
const servers = requireServers('standalone on the cluster stores', VARS);

// The hashing embedder: deterministic, no model files, light on the shared CPU. Reindex uses the
// same configuration, so its vectors are identical to the ones written by the server.
const clusterEnv = (namespace: string, dataDir: string): Record<string, string> => ({
  ...(servers as Record<string, string>),
  ENGRAM_STORES: 'cluster',
  ENGRAM_CLUSTER_NAMESPACE: namespace,
  ENGRAM_DATA_DIR: dataDir,
  ENGRAM_EMBEDDER: 'hashing',
  ENGRAM_LOG_LEVEL: 'error',
  ...(process.env.ENGRAM_NEO4J_USER ? { ENGRAM_NEO4J_USER: process.env.ENGRAM_NEO4J_USER } : {}),
  ...(process.env.ENGRAM_NEO4J_PASSWORD ? { ENGRAM_NEO4J_PASSWORD: process.env.ENGRAM_NEO4J_PASSWORD } : {}),
});

interface Running {
  app: StandaloneApp;
  http: ReturnType<typeof request>;
  env: Record<string, string>;
  namespace: string;
  dataDir: string;
}

async function start(): Promise<Running> {
  const namespace = uniqueName('it');
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-cluster-'));
  const env = clusterEnv(namespace, dataDir);
  const app = await createStandaloneApp(loadConfig(env));
  await app.app.init();
  return { app, http: request(app.app.getHttpServer() as Server), env, namespace, dataDir };
}

/** Stops the app and deletes everything its namespace created on the servers. */
async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  await r.app.close();
  const s = servers!;
  const stores = await openClusterStores({
    opensearchUrl: s.ENGRAM_OPENSEARCH_URL,
    milvusAddress: s.ENGRAM_MILVUS_ADDRESS,
    neo4jUri: s.ENGRAM_NEO4J_URI,
    ...(process.env.ENGRAM_NEO4J_USER
      ? { neo4jUser: process.env.ENGRAM_NEO4J_USER, neo4jPassword: process.env.ENGRAM_NEO4J_PASSWORD }
      : {}),
    dimension: r.app.embedder.dimension,
    namespace: r.namespace,
  });
  try {
    await Promise.all([
      stores.records.drop(),
      stores.graph.drop(),
      stores.lexical.drop(),
      stores.vectors.drop(),
    ]);
  } finally {
    await stores.close();
    rmSync(r.dataDir, { recursive: true, force: true });
  }
}

const conversation = (cube: string, i: number, fact: string) => ({
  user_id: cube,
  session_id: `s${i}`,
  messages: [
    {
      role: 'user',
      content: fact,
      chat_time: `2026-05-0${(i % 9) + 1}T09:00:00Z`,
      message_id: `${cube}-m${i}`,
    },
    { role: 'assistant', content: `Noted, fact ${i}.`, message_id: `${cube}-m${i}b` },
  ],
});

interface SearchHit {
  id: string;
  memory: string;
  metadata: { relativity: number; sources: { message_id?: string }[] };
}

async function search(http: Running['http'], cube: string, query: string, top_k = 5): Promise<SearchHit[]> {
  const r = await http
    .post('/product/search')
    .send({ user_id: cube, query, top_k, relativity: 0, dedup: 'no' })
    .expect(200);
  return r.body.data.text_mem[0]?.memories ?? [];
}

/** The compiled `engram reindex` entry, as `node scripts/engram.mjs reindex` runs it. */
function reindexEntry(): string {
  const entry = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'reindex.js');
  const clusterStores = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'cluster-stores.js');
  if (!existsSync(entry) || !existsSync(clusterStores)) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('build failed');
  }
  return entry;
}

if (servers) {
  describe('standalone on the cluster stores (ENGRAM_STORES=cluster)', () => {
    let s: Running | undefined;
    beforeAll(async () => {
      s = await start();
    });
    afterAll(() => stop(s));

    it('add → search with sources over HTTP; after wiping OpenSearch and Milvus, `engram reindex` restores the same results', async () => {
      const { http } = s!;
      const cube = 'alice';
      const facts = [
        'I adopted a golden retriever named Biscuit last spring.',
        'My sister Clara works as a nurse in Lisbon.',
        'I am allergic to peanuts and shellfish.',
        'We are planning a trip to Kyoto in October.',
        '我上周住在一家连锁酒店，价格很合理。',
        'My favourite band is Radiohead; I saw them live in 2017.',
      ];
      for (const [i, fact] of facts.entries()) {
        const r = await http
          .post('/product/add')
          .send(conversation(cube, i, fact))
          .expect(200);
        expect(r.body.data.length).toBeGreaterThan(0);
      }
      const health = await http.get('/health').expect(200);
      expect(health.body.stores).toBe('cluster');

      const queries = [
        'name of my golden retriever',
        'Where does Clara work?',
        '酒店',
        'trip to Kyoto',
        'allergic peanuts',
      ];
      const before = new Map<string, SearchHit[]>();
      for (const q of queries) before.set(q, await search(http, cube, q));

      const dog = before.get('name of my golden retriever')!;
      expect(dog[0]!.memory).toContain('Biscuit');
      expect(dog[0]!.metadata.sources.map((x) => x.message_id)).toEqual([`${cube}-m0`, `${cube}-m0b`]);
      expect(before.get('酒店')![0]!.memory).toContain('酒店');

      // Wipe the derived indexes for real: delete the OpenSearch indexes and drop the Milvus collection.
      const os = new Client({ node: servers.ENGRAM_OPENSEARCH_URL });
      const milvus = new MilvusClient({ address: servers.ENGRAM_MILVUS_ADDRESS, logLevel: 'error' });
      try {
        await os.indices.delete({ index: `${s!.namespace}-lexical*` });
        await milvus.dropCollection({ collection_name: `${s!.namespace}_vectors` });
      } finally {
        await os.close();
        await milvus.closeConnection();
      }
      const broken = await http
        .post('/product/search')
        .send({ user_id: cube, query: 'Biscuit', relativity: 0 });
      expect(broken.status).toBeGreaterThanOrEqual(500); // the indexes are gone, not silently empty

      const out = await run(
        process.execPath,
        ['-r', join(ROOT, 'scripts/register-paths.cjs'), reindexEntry()],
        {
          cwd: ROOT,
          env: { ...process.env, ...s!.env, ENGRAM_LOG_LEVEL: 'log' },
        },
      );
      expect(out.stdout + out.stderr).toMatch(/reindexed 6 memories on the cluster stores/);

      for (const q of queries) {
        const after = await search(http, cube, q);
        const key = (hits: SearchHit[]) => hits.map((h) => [h.id, h.metadata.relativity.toFixed(4)]);
        expect(key(after)).toEqual(key(before.get(q)!));
      }
    });
  });

  describe('standalone on the cluster stores while Neo4j goes down and comes back', () => {
    let s: Running | undefined;
    const infra = (cmd: 'up' | 'down') =>
      run('bash', [join(ROOT, 'deploy/local/infra.sh'), cmd, 'neo4j'], {
        cwd: ROOT,
        env: process.env,
        maxBuffer: 16 << 20,
      });
    beforeAll(async () => {
      s = await start();
    });
    afterAll(async () => {
      await infra('up'); // whatever happened, leave Neo4j running for the other suites
      await stop(s);
    });

    it('fails adds with 5xx while it is down (never a false 200); every acknowledged add is stored once and searchable', async () => {
      const status = spawnSync('bash', [join(ROOT, 'deploy/local/infra.sh'), 'status', 'neo4j'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (status.status !== 0) {
        // The test stops and starts Neo4j itself, so it needs the one deploy/local manages.
        throw new Error(
          `Neo4j is not managed by deploy/local/infra.sh here:\n${status.stdout}${status.stderr}`,
        );
      }
      const { http } = s!;
      const cube = 'fault';
      const word = (i: number) => `kx${i}qz`; // one rare token per add, to find each by BM25
      const acked = new Map<number, string[]>();
      const failed: number[] = [];
      const unexpected: string[] = [];
      let next = 0;
      let running = true;
      let successesAfterRestart = 0;
      let restarted = false;

      const worker = async () => {
        while (running) {
          const i = next++;
          const r = await http
            .post('/product/add')
            .send(conversation(cube, i, `Fault fact ${i}: the codeword is ${word(i)}.`));
          if (r.status === 200) {
            acked.set(
              i,
              (r.body.data as { memory_id: string }[]).map((m) => m.memory_id),
            );
            if (restarted) successesAfterRestart++;
          } else if (r.status >= 500) {
            failed.push(i);
          } else {
            unexpected.push(`add ${i}: ${r.status} ${JSON.stringify(r.body)}`);
          }
        }
      };
      const waitFor = async (cond: () => boolean, what: string, ms = 180_000) => {
        const deadline = Date.now() + ms;
        while (!cond()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };

      const workers = [worker(), worker()];
      try {
        await waitFor(() => acked.size >= 6, 'adds before the outage');
        await infra('down');
        await waitFor(() => failed.length >= 2, 'adds failing during the outage');
        await infra('up');
        restarted = true;
        await waitFor(() => successesAfterRestart >= 4, 'adds after the restart');
      } finally {
        running = false;
        await Promise.all(workers);
      }
      console.log(
        `neo4j outage: ${acked.size} adds acknowledged, ${failed.length} failed with 5xx (${failed.join(', ')})`,
      );
      expect(unexpected).toEqual([]);
      expect(failed.length).toBeGreaterThanOrEqual(2);

      // Every acknowledged add: its memories are listed exactly once and found by their codeword.
      const listed = await http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200);
      const ids: string[] = listed.body.data.text_mem[0].memories.map((m: { id: string }) => m.id);
      const seen = new Map<string, number>();
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      for (const [i, memIds] of acked) {
        for (const id of memIds) expect([i, id, seen.get(id)]).toEqual([i, id, 1]);
        const hits = await search(http, cube, word(i), 3);
        expect([i, hits.map((h) => h.id)]).toEqual([i, expect.arrayContaining(memIds)]);
      }

      // The failed adds, retried now, land once each (same ids for the same messages: no duplicates).
      for (const i of failed) {
        const r = await http
          .post('/product/add')
          .send(conversation(cube, i, `Fault fact ${i}: the codeword is ${word(i)}.`))
          .expect(200);
        acked.set(
          i,
          (r.body.data as { memory_id: string }[]).map((m) => m.memory_id),
        );
        expect((await search(http, cube, word(i), 3)).map((h) => h.id)).toEqual(
          expect.arrayContaining(acked.get(i)!),
        );
      }
      const all = await http.post('/product/get_memory').send({ mem_cube_id: cube }).expect(200);
      const allIds: string[] = all.body.data.text_mem[0].memories.map((m: { id: string }) => m.id);
      expect(new Set(allIds).size).toBe(allIds.length);
      expect(new Set(allIds)).toEqual(new Set([...acked.values()].flat()));
    });
  });
}
