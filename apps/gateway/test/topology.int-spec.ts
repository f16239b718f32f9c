import { FakeOpenAiServer, requireServers, uniqueName } from '@engram/testing';
import { http, startTopology, type ServiceProcess, type Topology } from './services';

jest.setTimeout(240_000);

const servers = requireServers('cluster topology', [
  'ENGRAM_KAFKA_BROKERS',
  'ENGRAM_OPENSEARCH_URL',
  'ENGRAM_MILVUS_ADDRESS',
  'ENGRAM_NEO4J_URI',
] as const);

interface Mem {
  id: string;
  memory: string;
  metadata: { sources: { message_id: string }[]; is_fast: boolean };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (servers) {
  /**
   * The cluster shape end to end, each service its own process on the real servers: add through the
   * gateway → ingestion over gRPC (fast write + raw-input event), fine extraction in the mem-reader
   * (fake LLM), task state in the scheduler from task events, search through the gateway → retrieval
   * over gRPC finds the fine memory.
   */
  describe('cluster topology: gateway → ingestion/retrieval (gRPC) → Kafka → mem-reader → scheduler', () => {
    const fake = new FakeOpenAiServer();
    let topo: Topology | undefined;
    let gateway: ServiceProcess;
    let scheduler: ServiceProcess;

    beforeAll(async () => {
      await fake.start();
      topo = await startTopology({
        ENGRAM_EMBEDDER: 'hashing',
        ENGRAM_CLUSTER_NAMESPACE: uniqueName('topo'),
        ENGRAM_GROUP_PREFIX: uniqueName('topo'),
        ENGRAM_SHUTDOWN_TIMEOUT_MS: '30000',
        ENGRAM_LLM_BASE_URL: fake.baseUrl,
        ENGRAM_LLM_EXTRACTOR_MODEL: 'fake-extractor',
        ENGRAM_LLM_MAX_RETRIES: '0',
      });
      ({ gateway, scheduler } = topo);
    });

    afterAll(async () => {
      // gateway first (stop intake), then the consumers; every service exits 0 after draining
      const codes = (await topo?.stop()) ?? [];
      await fake.stop();
      expect(codes).toEqual(codes.map(() => 0));
    });

    it('async add is searchable at once, extracted by the mem-reader, tracked by the scheduler', async () => {
      // task ids are content-derived and the task-events topic is shared across runs: a fresh user
      const user = uniqueName('user');
      fake.setDefault({
        json: {
          memories: [
            {
              key: 'dog name',
              value: "The user's golden retriever is named Biscuit.",
              memory_type: 'UserMemory',
              tags: ['pet'],
              event_time: null,
              source_message_ids: ['t1'],
            },
          ],
          summary: "The user's dog.",
        },
      });
      const add = await http('POST', `${gateway.url}/product/add`, {
        user_id: user,
        messages: [
          { role: 'user', content: 'I adopted a golden retriever named Biscuit.', message_id: 't1' },
        ],
      });
      expect(add.status).toBe(200);
      expect(['waiting', 'in_progress']).toContain(add.body.task_status);
      const taskId: string = add.body.task_id;
      const health = await http('GET', `${gateway.url}/health`);
      expect(health.body.add_search).toEqual({
        ingestion: expect.any(String),
        retrieval: expect.any(String),
      });

      // the raw memory is searchable before extraction finishes
      const early = await http('POST', `${gateway.url}/product/search`, {
        user_id: user,
        query: 'Biscuit',
        relativity: 0,
      });
      expect(early.body.data.text_mem[0].memories.length).toBeGreaterThan(0);

      // the scheduler learns about the task from task events, then sees it complete
      let status = '';
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const st = await http('GET', `${scheduler.url}/product/scheduler/status?task_id=${taskId}`);
        status = st.status === 200 ? st.body.data[0].status : 'unknown';
        if (status === 'completed' || status === 'failed') break;
        await sleep(250);
      }
      expect(status).toBe('completed');
      const waited = await http(
        'POST',
        `${scheduler.url}/product/scheduler/wait?user_name=${user}&timeout_seconds=5`,
      );
      expect(waited.body).toMatchObject({ message: 'idle', data: { pending: 0 } });

      const found = await http('POST', `${gateway.url}/product/search`, {
        user_id: user,
        query: 'What is my dog called?',
        relativity: 0,
      });
      const mems: Mem[] = found.body.data.text_mem[0].memories;
      expect(mems[0]).toMatchObject({
        memory: "The user's golden retriever is named Biscuit.",
        metadata: { is_fast: false },
      });
      expect(mems[0]!.metadata.sources.map((s) => s.message_id)).toEqual(['t1']);
      // the raw window retired: only fine memories answer
      expect(mems.every((m) => !m.metadata.is_fast)).toBe(true);

      // a filter travels to the retrieval service as MemOS JSON
      const filtered = await http('POST', `${gateway.url}/product/search`, {
        user_id: user,
        query: 'dog',
        relativity: 0,
        filter: { and: [{ memory_type: 'UserMemory' }, { session_id: 'nope' }] },
      });
      expect(filtered.body.data.text_mem[0]?.memories ?? []).toEqual([]);

      // the gateway's own scheduler routes see the mem-reader's progress too (its consumer replays the
      // shared topic from the beginning, so it may trail the scheduler's)
      let gwStatus = '';
      const gwDeadline = Date.now() + 60_000;
      while (gwStatus !== 'completed' && Date.now() < gwDeadline) {
        const gw = await http('GET', `${gateway.url}/product/scheduler/status?task_id=${taskId}`);
        gwStatus = gw.status === 200 ? gw.body.data[0].status : 'unknown';
        if (gwStatus !== 'completed') await sleep(250);
      }
      expect(gwStatus).toBe('completed');
    });

    it('gets, lists and deletes through the gateway: reads on retrieval, deletes on ingestion', async () => {
      const user = uniqueName('user');
      const add = async (session_id: string, content: string) =>
        (
          await http('POST', `${gateway.url}/product/add`, {
            user_id: user,
            session_id,
            async_mode: 'sync',
            messages: [{ role: 'user', content }],
          })
        ).body.data[0].memory_id as string;
      const kept = await add('keep', 'I keep bees on the roof.');
      await add('drop', 'I used to collect stamps.');
      const one = await http('GET', `${gateway.url}/product/get_memory/${kept}`);
      expect(one.body.data.memory).toContain('bees');
      const list = () => http('POST', `${gateway.url}/product/get_memory`, { mem_cube_id: user, page: 1 });
      expect((await list()).body.data.text_mem[0].total_nodes).toBe(2);
      const byFilter = await http('POST', `${gateway.url}/product/delete_memory`, {
        user_id: user,
        session_id: 'drop',
      });
      expect(byFilter.body.data.deleted).toBe(1);
      const byId = await http('POST', `${gateway.url}/product/delete_memory`, { memory_ids: [kept] });
      expect(byId.body.data.memory_ids).toEqual([kept]);
      expect((await http('GET', `${gateway.url}/product/get_memory/${kept}`)).status).toBe(404);
      expect((await list()).body.data.text_mem[0].total_nodes).toBe(0);
    });

    it('sync fine waits for the mem-reader through Kafka and answers with the fine memory', async () => {
      const user = uniqueName('user');
      fake.setDefault({
        json: {
          memories: [
            {
              key: 'home town',
              value: 'The user grew up in Porto.',
              memory_type: 'UserMemory',
              tags: ['place'],
              event_time: null,
              source_message_ids: ['p1'],
            },
          ],
          summary: "The user's home town.",
        },
      });
      const add = await http('POST', `${gateway.url}/product/add`, {
        user_id: user,
        async_mode: 'sync',
        mode: 'fine',
        messages: [{ role: 'user', content: 'I grew up in Porto.', message_id: 'p1' }],
      });
      expect(add.status).toBe(200);
      expect(add.body.task_status).toBe('completed');
      expect(add.body.data).toEqual([
        expect.objectContaining({ memory: 'The user grew up in Porto.', memory_type: 'UserMemory' }),
      ]);
      // fast adds reach the scheduler as task events too
      const fast = await http('POST', `${gateway.url}/product/add`, {
        user_id: user,
        async_mode: 'sync',
        messages: [{ role: 'user', content: 'I like green tea.' }],
      });
      let status = '';
      for (let i = 0; i < 80 && status !== 'completed'; i++) {
        const st = await http(
          'GET',
          `${scheduler.url}/product/scheduler/status?task_id=${fast.body.task_id}`,
        );
        status = st.status === 200 ? st.body.data[0].status : 'unknown';
        if (status !== 'completed') await sleep(250);
      }
      expect(status).toBe('completed');
    });

    it("the mem-reader's /metrics shows its consumer group's lag and the LLM tokens it used", async () => {
      // runs after the fine add above
      const res = await fetch(`${topo!.get('mem-reader').url}/metrics`);
      expect(res.status).toBe(200);
      const lines = (await res.text()).split('\n');
      const lag = lines.filter(
        (l) => l.startsWith('engram_bus_consumer_lag{') && /group="[^"]+\.mem-reader"/.test(l),
      );
      expect(lag.length).toBeGreaterThan(0);
      expect(
        lag.every((l) => l.includes('topic="engram.raw-input.v1"') && l.includes('service="mem-reader"')),
      ).toBe(true);
      const tokens = lines.filter(
        (l) => l.startsWith('engram_llm_tokens_total{') && l.includes('model="fake-extractor"'),
      );
      expect(tokens.some((l) => l.includes('kind="prompt"') && Number(l.split(' ').pop()) > 0)).toBe(true);
      expect(lines.some((l) => l.startsWith('engram_bus_handled_total{') && l.includes('outcome="ok"'))).toBe(
        true,
      );
    });
  });
}
