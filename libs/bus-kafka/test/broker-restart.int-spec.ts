import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { logLevel, type RetryOptions } from 'kafkajs';
import { requireServers, uniqueName } from '@engram/testing';
import { KafkaMessageBus } from '../src';

/**
 * Fault test: the broker is stopped and started again (deploy/local/infra.sh down/up kafka) while
 * producers publish in a loop, retrying each message until a publish resolves. Afterwards every
 * message whose publish resolved must have been handled, exactly once after dropping duplicates by
 * key + id. Duplicates are allowed (an app-level retry of a publish whose first try was written but
 * not acknowledged; a redelivery of a message handled but not yet committed when the connection
 * dropped): consumers write idempotently with deterministic ids, so the effect is exactly once.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const INFRA = resolve(ROOT, 'deploy/local/infra.sh');

jest.setTimeout(300_000);

const env = requireServers('Kafka broker restart', ['ENGRAM_KAFKA_BROKERS'] as const);

const infra = async (...args: string[]) => {
  const t0 = Date.now();
  const r = await run('bash', [INFRA, ...args], { cwd: ROOT, timeout: 240_000 });
  return { ms: Date.now() - t0, out: r.stdout };
};
const kafkaIsUp = () =>
  infra('status', 'kafka').then(
    () => true,
    () => false,
  );
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function retrying<T>(fn: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await sleep(1000);
    }
  }
}

if (env) {
  describe('Kafka bus across a broker restart', () => {
    const logs: string[] = [];
    const logger = {
      log: () => undefined,
      warn: (m: unknown) => void logs.push(`WARN ${String(m)}`),
      error: (m: unknown) => void logs.push(`ERROR ${String(m)}`),
    };
    const brokers = env.ENGRAM_KAFKA_BROKERS.split(',');
    let producerBus: KafkaMessageBus | undefined;
    let consumerBus: KafkaMessageBus | undefined;

    afterAll(async () => {
      await producerBus?.close().catch(() => undefined);
      await consumerBus?.close().catch(() => undefined);
      // never leave the shared broker down, whatever happened above
      if (!(await kafkaIsUp())) await infra('up', 'kafka');
    });

    const scenarios: [string, RetryOptions | undefined][] = [
      ['kafkajs retries outlast the outage (default client retry)', undefined],
      [
        'short client retries: publishes fail and the app retries them',
        { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      ],
    ];
    it.each(scenarios)(
      'every publish that resolved is consumed exactly once after dedup by key + id: %s',
      async (_name, clientRetry) => {
        logs.length = 0;
        if (!(await kafkaIsUp())) {
          throw new Error(`this test restarts the broker with ${INFRA}; start it with \`${INFRA} up kafka\``);
        }
        const topic = uniqueName('engram.fault');
        const open = () =>
          KafkaMessageBus.connect({
            brokers,
            clientId: 'engram-fault-test',
            topics: [topic],
            partitions: 4,
            deadLetterTopic: `${topic}.dlq`,
            logger,
            kafkaLogLevel: logLevel.ERROR,
            clientRetry,
          });
        await producerBus?.close().catch(() => undefined);
        await consumerBus?.close().catch(() => undefined);
        // a service retries its start-up; right after the previous restart, short client retries may not be enough
        producerBus = await retrying(open);
        consumerBus = await retrying(open);

        // consumer: records every delivery; the idempotent "write" is a set keyed by key + id
        const deliveries: string[] = [];
        const store = new Map<string, number>();
        const firstSeenOrder = new Map<string, number[]>();
        await retrying(() =>
          consumerBus!.subscribe({
            topic,
            groupId: `${topic}.consumer`,
            concurrency: 4,
            handler: async (m) => {
              const { id, seq } = JSON.parse(m.value.toString()) as { id: string; seq: number };
              const dedupKey = `${m.key}/${id}`;
              deliveries.push(dedupKey);
              if (!store.has(dedupKey)) {
                store.set(dedupKey, seq);
                firstSeenOrder.set(m.key!, [...(firstSeenOrder.get(m.key!) ?? []), seq]);
              }
            },
          }),
        );

        // producers: one loop per key, each message retried until a publish resolves
        const keys = ['tenant:cube-0', 'tenant:cube-1', 'tenant:cube-2', 'tenant:cube-3'];
        const acked = new Set<string>();
        let attempts = 0;
        let failures = 0;
        let stop = false;
        const loop = async (key: string) => {
          for (let seq = 0; !stop; seq++) {
            const id = `${key}#${seq}`;
            for (;;) {
              attempts++;
              try {
                await producerBus!.publish(topic, [{ key, value: JSON.stringify({ id, seq }) }]);
                acked.add(`${key}/${id}`);
                break;
              } catch {
                failures++;
                await sleep(250);
              }
            }
            await sleep(20);
          }
        };
        const loops = keys.map(loop);

        await sleep(2000);
        const beforeDown = acked.size;
        const down = await infra('down', 'kafka');
        await sleep(200); // acks already on the wire when the process exited
        const afterDown = acked.size;
        await sleep(1500);
        const duringDown = acked.size;
        const up = await infra('up', 'kafka');
        // keep publishing until the producers are clearly through (kafkajs may sit in a backoff of up to 10 s)
        const progress = Date.now() + 90_000;
        while (acked.size < duringDown + 100 && Date.now() < progress) await sleep(100);
        const afterUp = acked.size;
        stop = true;
        await Promise.all(loops);

        const deadline = Date.now() + 120_000;
        while ([...acked].some((k) => !store.has(k)) && Date.now() < deadline) await sleep(200);

        const lost = [...acked].filter((k) => !store.has(k));
        const duplicates = deliveries.length - store.size;
        console.log(
          `broker restart: down took ${down.ms} ms, up ${up.ms} ms; publishes resolved before down ${beforeDown}, ` +
            `during the controlled shutdown ${afterDown - beforeDown}, while down ${duringDown - afterDown}, ` +
            `total ${acked.size} (${afterUp - duringDown} after up); ` +
            `publish attempts ${attempts}, failed ${failures}; deliveries ${deliveries.length}, distinct ${store.size}, ` +
            `duplicates ${duplicates}; consumers recreated ${logs.filter((l) => l.includes('recreating the consumer')).length}, ` +
            `bus log lines ${logs.length}`,
        );

        expect(beforeDown).toBeGreaterThan(10);
        expect(duringDown).toBe(afterDown); // no publish resolves while no broker can have accepted it
        expect(afterUp).toBeGreaterThan(duringDown); // publishing recovered after the restart
        expect(lost).toEqual([]);
        // nothing consumed that no producer sent
        for (const k of store.keys()) expect(k).toMatch(/^tenant:cube-\d\/tenant:cube-\d#\d+$/);
        // per key, first deliveries come in publish order
        for (const [key, seqs] of firstSeenOrder) {
          expect({ key, ordered: seqs.every((s, i) => i === 0 || s > seqs[i - 1]!) }).toEqual({
            key,
            ordered: true,
          });
        }
        // and the group's committed offsets reach the end: nothing left behind
        const waitLag = Date.now() + 30_000;
        let lag = Infinity;
        while (Date.now() < waitLag) {
          lag = (await consumerBus.lag(`${topic}.consumer`)).reduce((s, l) => s + l.lag, 0);
          if (lag === 0) break;
          await sleep(250);
        }
        expect(lag).toBe(0);
      },
    );
  });
}
