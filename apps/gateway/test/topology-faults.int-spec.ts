import { FakeOpenAiServer, lastUserText, requireServers, uniqueName } from '@engram/testing';
import { http, infra, startTopology, type ServiceName, type Topology } from './services';

jest.setTimeout(600_000);

const servers = requireServers('cluster topology faults', [
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

interface Acked {
  messageId: string;
  content: string;
  taskId: string;
  memoryIds: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fine memory per conversation message, citing it: the same input always gives the same output. */
function extractEveryMessage(body: Parameters<typeof lastUserText>[0]) {
  const memories = [...lastUserText(body).matchAll(/<message id="([^"]+)" role="user"[^>]*>\n([^\n]*)/g)].map(
    ([, id, text]) => ({
      key: `fact ${id}`,
      value: `Fine: ${text}`,
      memory_type: 'UserMemory',
      tags: ['fault'],
      event_time: null,
      source_message_ids: [id],
    }),
  );
  // slow enough that a kill lands in the middle of an extraction
  return { json: { memories, summary: 'facts' }, delayMs: 150 };
}

if (servers) {
  /**
   * Faults in the cluster shape, each service its own process on the real servers: a service killed
   * (SIGKILL) or the Kafka broker stopped while adds flow through the gateway. Every add the gateway
   * acknowledged must end up stored exactly once, and no task may stay stuck.
   */
  describe('cluster topology faults: crash or broker restart mid-stream', () => {
    const fake = new FakeOpenAiServer();
    let topo: Topology | undefined;

    beforeAll(async () => {
      await fake.start();
      fake.setDefault(extractEveryMessage);
      topo = await startTopology({
        ENGRAM_EMBEDDER: 'hashing',
        ENGRAM_CLUSTER_NAMESPACE: uniqueName('fault'),
        ENGRAM_GROUP_PREFIX: uniqueName('fault'),
        ENGRAM_SHUTDOWN_TIMEOUT_MS: '30000',
        ENGRAM_LLM_BASE_URL: fake.baseUrl,
        ENGRAM_LLM_EXTRACTOR_MODEL: 'fake-extractor',
        ENGRAM_LLM_MAX_RETRIES: '0',
      });
    });

    afterAll(async () => {
      const codes = (await topo?.stop()) ?? [];
      await fake.stop();
      expect(codes).toEqual(codes.map(() => 0));
    });

    const add = (user: string, i: number, key: string) =>
      http(
        'POST',
        `${topo!.gateway.url}/product/add`,
        {
          user_id: user,
          async_mode: 'async',
          messages: [
            { role: 'user', content: `Fault fact ${i} of ${user}: number ${i * 7919}.`, message_id: `m${i}` },
          ],
        },
        { 'idempotency-key': key },
      ).catch((err: Error) => ({ status: 0, body: { message: err.message } }));

    const record = (
      user: string,
      i: number,
      body: { data: { memory_id: string }[]; task_id: string },
    ): Acked => ({
      messageId: `m${i}`,
      content: `Fault fact ${i} of ${user}: number ${i * 7919}.`,
      taskId: body.task_id,
      memoryIds: body.data.map((m) => m.memory_id),
    });

    /**
     * Sends adds one after another: `before` of them, then `fault` starts and adds keep flowing until it
     * has finished (the service or broker is back) and `after` more were sent. Returns what was
     * acknowledged, what was refused (a 5xx or a dropped connection), and how many were sent.
     */
    async function stream(user: string, before: number, after: number, fault: () => Promise<unknown>) {
      const acked: Acked[] = [];
      const refused: number[] = [];
      let done = false;
      let faulted: Promise<unknown> | undefined;
      let i = 0;
      for (let left = after; !done || left > 0; i++) {
        if (i === before) faulted = fault().finally(() => (done = true));
        if (i >= before && done) left--;
        if (i >= 400) throw new Error('the fault did not finish within 400 adds');
        const r = await add(user, i, `${user}-${i}`);
        if (r.status === 200) acked.push(record(user, i, r.body));
        else {
          expect(r.status === 0 || r.status >= 500).toBe(true);
          refused.push(i);
        }
        await sleep(100);
      }
      await faulted;
      return { acked, refused, sent: i };
    }

    async function waitCompleted(taskIds: string[]): Promise<Record<string, string>> {
      const status: Record<string, string> = {};
      const deadline = Date.now() + 180_000;
      for (const id of taskIds) {
        while (Date.now() < deadline) {
          const st = await http('GET', `${topo!.scheduler.url}/product/scheduler/status?task_id=${id}`);
          status[id] = st.status === 200 ? st.body.data[0].status : `http ${st.status}`;
          if (status[id] === 'completed' || status[id] === 'failed') break;
          await sleep(250);
        }
      }
      return status;
    }

    async function cube(user: string): Promise<Mem[]> {
      const r = await http('POST', `${topo!.gateway.url}/product/get_memory`, {
        mem_cube_id: user,
        user_id: user,
        include_preference: false,
        include_tool_memory: false,
        include_skill_memory: false,
      });
      expect({ status: r.status, message: r.body.message }).toEqual({
        status: 200,
        message: expect.any(String),
      });
      return r.body.data.text_mem[0].memories;
    }

    /** Every acknowledged add: task completed, raw ids known, exactly one fine memory per message, nothing else. */
    async function expectExactlyOnce(user: string, acked: Acked[]) {
      const status = await waitCompleted(acked.map((a) => a.taskId));
      expect(status).toEqual(Object.fromEntries(acked.map((a) => [a.taskId, 'completed'])));

      // the raw memories the gateway returned are all still known (retired into history)
      const ids = acked.flatMap((a) => a.memoryIds);
      const byIds = await http('POST', `${topo!.gateway.url}/product/get_memory_by_ids`, { memory_ids: ids });
      expect({ status: byIds.status, message: byIds.body.message }).toEqual({
        status: 200,
        message: expect.any(String),
      });
      expect((byIds.body.data as Mem[]).map((m) => m.id).sort()).toEqual([...ids].sort());

      const mems = await cube(user);
      const fine = mems.filter((m) => !m.metadata.is_fast);
      const perMessage = (id: string) =>
        fine.filter((m) => m.metadata.sources.some((s) => s.message_id === id));
      expect(
        Object.fromEntries(acked.map((a) => [a.messageId, perMessage(a.messageId).map((m) => m.memory)])),
      ).toEqual(Object.fromEntries(acked.map((a) => [a.messageId, [`Fine: ${a.content}`]])));
      // no raw memory left active, no fine memory for an add that was never acknowledged
      expect(mems.filter((m) => m.metadata.is_fast)).toEqual([]);
      expect(fine).toHaveLength(acked.length);
    }

    /** The client retries what was refused, with the same Idempotency-Key, until the gateway acknowledges it. */
    async function retryRefused(user: string, refused: number[], acked: Acked[]) {
      for (const i of refused) {
        const deadline = Date.now() + 120_000;
        for (;;) {
          const r = await add(user, i, `${user}-${i}`);
          if (r.status === 200) {
            acked.push(record(user, i, r.body));
            break;
          }
          if (Date.now() > deadline) throw new Error(`add ${i} still refused: ${JSON.stringify(r.body)}`);
          await sleep(500);
        }
      }
    }

    const killAndRestart = (name: ServiceName, downMs: number) => async () => {
      await topo!.get(name).kill();
      await sleep(downMs);
      await topo!.restart(name);
    };

    it('mem-reader killed mid-extraction: every acknowledged add extracted exactly once, no task stuck', async () => {
      const user = uniqueName('mr');
      const { acked, refused } = await stream(user, 4, 4, killAndRestart('mem-reader', 500));
      // the mem-reader is behind Kafka: the gateway acknowledges every add
      expect(refused).toEqual([]);
      await expectExactlyOnce(user, acked);
    });

    it('ingestion killed mid-stream: the gateway retries until it is back, every add stored once and searchable', async () => {
      const user = uniqueName('ing');
      const { acked, refused, sent } = await stream(user, 4, 4, killAndRestart('ingestion', 1500));
      // RemoteMemory retries UNAVAILABLE within its deadline (ingest is idempotent): nothing is refused
      expect(refused).toEqual([]);
      expect(acked.map((a) => a.messageId).sort()).toEqual(
        Array.from({ length: sent }, (_, i) => `m${i}`).sort(),
      );
      await expectExactlyOnce(user, acked);

      for (const a of acked) {
        const found = await http('POST', `${topo!.gateway.url}/product/search`, {
          user_id: user,
          query: a.content,
          relativity: 0,
        });
        const mems: Mem[] = found.body.data.text_mem[0]?.memories ?? [];
        expect(mems.map((m) => m.memory)).toContain(`Fine: ${a.content}`);
      }
    });

    it('Kafka broker stopped and restarted mid-stream: every add stored once after the pipeline drains', async () => {
      const user = uniqueName('kafka');
      const { acked, refused, sent } = await stream(user, 4, 4, async () => {
        await infra('down', 'kafka');
        await sleep(1000);
        await infra('up', 'kafka');
      });
      await retryRefused(user, refused, acked);
      expect(acked.map((a) => a.messageId).sort()).toEqual(
        Array.from({ length: sent }, (_, i) => `m${i}`).sort(),
      );
      await expectExactlyOnce(user, acked);
    });
  });
}
