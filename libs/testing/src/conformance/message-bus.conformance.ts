import { randomBytes } from 'node:crypto';
import { decodeEvent, TOPICS } from '@engram/contracts';
import {
  type BusMessage,
  type BusObserver,
  DEAD_LETTER_HEADERS,
  type MessageBus,
  NonRetriableError,
  type Subscription,
} from '@engram/ports';

export interface BusOpenContext {
  /** The dead-letter topic the bus must use (unique per test, so tests do not see each other's). */
  deadLetterTopic: string;
  observer: BusObserver;
}

export interface MessageBusConformanceOptions {
  /** A fresh bus (Kafka: new clients on the shared broker). */
  open(ctx: BusOpenContext): Promise<MessageBus>;
  /**
   * True when a bus opened later sees the same topics and committed offsets (Kafka). The in-process
   * bus keeps them in the instance, so only subscriber restarts on one instance are tested there.
   */
  sharedAcrossInstances: boolean;
  /** How long to watch for unwanted redeliveries (Kafka needs longer: fetch + rebalance). Default 300 ms. */
  quietMs?: number;
  /** Per-test timeout. Default 30 s. */
  timeoutMs?: number;
  /** Called after each test with the topics it used (Kafka: delete them). */
  cleanupTopics?(topics: string[]): Promise<void>;
}

interface Received {
  key: string | null;
  value: string;
  attempt: number;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/**
 * The delivery contract of MessageBus (libs/ports/src/bus.ts): ordering per key, at-least-once with
 * retries, dead letters after the last attempt, commit only after the handler resolved (so no
 * redelivery of committed messages, and redelivery of uncommitted ones), close draining in-flight
 * handlers, lag and observer hooks. Run it against every adapter.
 */
export function describeMessageBusConformance(name: string, opts: MessageBusConformanceOptions): void {
  const quietMs = opts.quietMs ?? 300;
  const timeout = opts.timeoutMs ?? 30_000;

  describe(`MessageBus conformance: ${name}`, () => {
    const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    let n = 0;
    let used: string[] = [];
    let buses: MessageBus[] = [];
    let dlq = '';
    let events: { published: number; handled: { outcome: string; attempt: number; topic: string }[] };

    const topicName = (what: string) => {
      const t = `conformance.${what}.${run}.${++n}`;
      used.push(t);
      return t;
    };
    const observer: BusObserver = {
      published: (e) => {
        if (!e.error) events.published += e.count;
      },
      handled: (e) => events.handled.push({ outcome: e.outcome, attempt: e.attempt, topic: e.topic }),
    };
    const open = async () => {
      const bus = await opts.open({ deadLetterTopic: dlq, observer });
      buses.push(bus);
      return bus;
    };
    const group = (what: string) => `conformance-${what}-${run}-${++n}`;

    beforeEach(() => {
      used = [];
      buses = [];
      dlq = topicName('dlq');
      events = { published: 0, handled: [] };
    });
    afterEach(async () => {
      await Promise.allSettled(buses.map((b) => b.close()));
      await opts.cleanupTopics?.(used).catch(() => undefined);
    }, timeout);

    /** Subscribes and records what arrives; `behave` may throw or wait to simulate failures. */
    const collect = async (
      bus: MessageBus,
      topic: string | string[],
      groupId: string,
      extra: {
        concurrency?: number;
        maxAttempts?: number;
        backoffMs?: number;
        behave?: (m: BusMessage) => Promise<void>;
      } = {},
    ): Promise<{ sub: Subscription; got: Received[] }> => {
      const got: Received[] = [];
      const sub = await bus.subscribe({
        topic,
        groupId,
        concurrency: extra.concurrency,
        retry: {
          maxAttempts: extra.maxAttempts ?? 3,
          initialBackoffMs: extra.backoffMs ?? 20,
          maxBackoffMs: 200,
        },
        handler: async (m) => {
          await extra.behave?.(m);
          got.push({
            key: m.key,
            value: m.value.toString('utf8'),
            attempt: m.attempt,
            partition: m.partition,
            offset: m.offset,
            headers: m.headers,
          });
        },
      });
      return { sub, got };
    };

    it(
      'delivers key, value bytes, headers and position',
      async () => {
        const bus = await open();
        const topic = topicName('roundtrip');
        const { got } = await collect(bus, topic, group('roundtrip'));
        const bytes = Buffer.from([0, 1, 2, 255, 254]);
        let seen: BusMessage | undefined;
        const sub2 = await bus.subscribe({
          topic,
          groupId: group('raw'),
          handler: async (m) => {
            if (m.key === 'k1') seen = m;
          },
        });
        await bus.publish(topic, [
          { key: 'k1', value: bytes, headers: { 'x-one': '1', 'content-type': 'application/octet-stream' } },
        ]);
        await bus.publish(topic, [{ key: null, value: 'héllo' }]);
        await waitFor(
          () => got.length === 2 && seen !== undefined,
          timeout,
          () => `got ${got.length}`,
        );
        expect(seen!.value.equals(bytes)).toBe(true);
        expect(seen!.key).toBe('k1');
        expect(seen!.topic).toBe(topic);
        expect(seen!.headers).toMatchObject({ 'x-one': '1', 'content-type': 'application/octet-stream' });
        expect(seen!.offset).toMatch(/^\d+$/);
        expect(seen!.partition).toBeGreaterThanOrEqual(0);
        expect(seen!.attempt).toBe(1);
        expect(typeof seen!.timestamp).toBe('number');
        expect(got.find((g) => g.key === null)?.value).toBe('héllo');
        await sub2.close();
      },
      timeout,
    );

    it(
      'keeps publish order per key, with several partitions in parallel',
      async () => {
        const bus = await open();
        const topic = topicName('order');
        const keys = ['tenant:cube-a', 'tenant:cube-b', 'tenant:cube-c', 'tenant:cube-d', 'tenant:cube-e'];
        const perKey = 30;
        let concurrent = 0;
        let maxConcurrent = 0;
        const { got } = await collect(bus, topic, group('order'), {
          concurrency: 4,
          behave: async () => {
            maxConcurrent = Math.max(maxConcurrent, ++concurrent);
            await sleep(Math.random() < 0.2 ? 5 : 0);
            concurrent--;
          },
        });
        // interleaved batches, as several producers would send them
        for (let i = 0; i < perKey; i += 5) {
          await Promise.all(
            keys.map((k) =>
              bus.publish(
                topic,
                Array.from({ length: 5 }, (_, j) => ({ key: k, value: `${k}#${i + j}` })),
              ),
            ),
          );
        }
        await waitFor(
          () => got.length >= keys.length * perKey,
          timeout,
          () => `got ${got.length}`,
        );
        for (const k of keys) {
          const seq = got.filter((g) => g.key === k).map((g) => Number(g.value.split('#')[1]));
          expect(seq).toEqual(Array.from({ length: perKey }, (_, i) => i));
          // one key, one partition
          expect(new Set(got.filter((g) => g.key === k).map((g) => g.partition)).size).toBe(1);
        }
        expect(got).toHaveLength(keys.length * perKey);
      },
      timeout,
    );

    it(
      'retries a handler that fails once, in order, without losing the message',
      async () => {
        const bus = await open();
        const topic = topicName('retry');
        const failed = new Set<string>();
        const { got } = await collect(bus, topic, group('retry'), {
          behave: async (m) => {
            const v = m.value.toString();
            if (v === 'k#2' && !failed.has(v)) {
              failed.add(v);
              throw new Error('transient failure');
            }
          },
        });
        await bus.publish(
          topic,
          [0, 1, 2, 3, 4].map((i) => ({ key: 'k', value: `k#${i}` })),
        );
        await waitFor(
          () => got.length >= 5,
          timeout,
          () => `got ${got.length}`,
        );
        expect(got.map((g) => g.value)).toEqual(['k#0', 'k#1', 'k#2', 'k#3', 'k#4']);
        expect(got.find((g) => g.value === 'k#2')!.attempt).toBe(2);
        const forK2 = events.handled.filter((h) => h.topic === topic).map((h) => h.outcome);
        expect(forK2.filter((o) => o === 'retry')).toHaveLength(1);
        expect(forK2.filter((o) => o === 'ok')).toHaveLength(5);
        expect(events.published).toBeGreaterThanOrEqual(5);
      },
      timeout,
    );

    it(
      'dead-letters a message after the last attempt, with the error in headers, and moves on',
      async () => {
        const bus = await open();
        const topic = topicName('poison');
        const calls: Record<string, number> = {};
        const { got } = await collect(bus, topic, group('poison'), {
          maxAttempts: 3,
          behave: async (m) => {
            const v = m.value.toString();
            calls[v] = (calls[v] ?? 0) + 1;
            if (v === 'poison' || v.includes('"poison"')) throw new Error(`cannot handle ${v}`);
            if (v === 'invalid') throw new NonRetriableError('malformed event');
          },
        });
        const dead = await collect(bus, dlq, group('dlq-reader'));
        const json = JSON.stringify({ tenant_id: 't1', poison: true });
        await bus.publish(topic, [
          { key: 'cube-1', value: 'ok#1' },
          { key: 'cube-1', value: 'poison', headers: { 'x-trace': 'abc' } },
          { key: 'cube-1', value: 'ok#2' },
          { key: 'cube-1', value: 'invalid' },
          { key: 'cube-1', value: 'ok#3' },
        ]);
        await bus.publish(topic, [{ key: 'cube-2', value: json }]);
        await waitFor(
          () => got.length >= 3 && dead.got.length >= 3,
          timeout,
          () => `got ${got.length}, dead ${dead.got.length}`,
        );
        expect(got.map((g) => g.value)).toEqual(['ok#1', 'ok#2', 'ok#3']);
        expect(calls['poison']).toBe(3);
        expect(calls['invalid']).toBe(1);

        const sourceOf = (d: Received) =>
          Buffer.from(decodeEvent(TOPICS.deadLetter, d.value).source_value_base64, 'base64').toString();
        const poison = dead.got.find((d) => sourceOf(d) === 'poison')!;
        expect(poison).toBeDefined();
        expect(poison.key).toBe('cube-1');
        expect(poison.headers[DEAD_LETTER_HEADERS.error]).toContain('cannot handle poison');
        expect(poison.headers[DEAD_LETTER_HEADERS.attempts]).toBe('3');
        expect(poison.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(topic);
        expect(poison.headers['x-trace']).toBe('abc');
        const event = decodeEvent(TOPICS.deadLetter, poison.value);
        expect(event.source_topic).toBe(topic);
        expect(event.source_key).toBe('cube-1');
        expect(Buffer.from(event.source_value_base64, 'base64').toString()).toBe('poison');
        expect(event.attempts).toBe(3);
        expect(event.error).toContain('cannot handle poison');

        const invalid = dead.got
          .map((d) => decodeEvent(TOPICS.deadLetter, d.value))
          .find((e) => e.source_value_base64 === Buffer.from('invalid').toString('base64'))!;
        expect(invalid.attempts).toBe(1);
        const withTenant = dead.got
          .map((d) => decodeEvent(TOPICS.deadLetter, d.value))
          .find((e) => e.source_key === 'cube-2')!;
        expect(withTenant.tenant_id).toBe('t1'); // read from the failed event's body
        expect(event.tenant_id).toBeUndefined(); // not JSON: no tenant
        expect(events.handled.filter((h) => h.topic === topic && h.outcome === 'dead-letter')).toHaveLength(
          3,
        );
      },
      timeout,
    );

    it(
      'does not redeliver committed messages when a subscriber restarts with the same group',
      async () => {
        const bus = await open();
        const topic = topicName('restart');
        const groupId = group('restart');
        const first = await collect(bus, topic, groupId, { concurrency: 2 });
        await bus.publish(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, value: `a${i}` })),
        );
        await waitFor(
          () => first.got.length >= 10,
          timeout,
          () => `got ${first.got.length}`,
        );
        await first.sub.close();

        await bus.publish(
          topic,
          Array.from({ length: 5 }, (_, i) => ({ key: `k${i % 3}`, value: `b${i}` })),
        );
        const second = await collect(bus, topic, groupId, { concurrency: 2 });
        await waitFor(
          () => second.got.length >= 5,
          timeout,
          () => `got ${second.got.length}`,
        );
        await sleep(quietMs);
        expect(second.got.map((g) => g.value).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
        expect(first.got).toHaveLength(10);

        if (opts.sharedAcrossInstances) {
          // a new process: new clients, same group
          await bus.close();
          const again = await open();
          await again.publish(topic, [{ key: 'k0', value: 'c0' }]);
          const third = await collect(again, topic, groupId);
          await waitFor(
            () => third.got.length >= 1,
            timeout,
            () => `got ${third.got.length}`,
          );
          await sleep(quietMs);
          expect(third.got.map((g) => g.value)).toEqual(['c0']);
        }
      },
      timeout * 2,
    );

    it(
      'close() waits for in-flight handlers and commits them; later messages go to the next subscriber',
      async () => {
        const bus = await open();
        const topic = topicName('drain');
        const groupId = group('drain');
        let started = 0;
        let finished = 0;
        const first = await collect(bus, topic, groupId, {
          behave: async (m) => {
            if (m.value.toString() === 'slow') {
              started++;
              await sleep(500);
              finished++;
            }
          },
        });
        await bus.publish(topic, [{ key: 'k', value: 'slow' }]);
        await waitFor(
          () => started === 1,
          timeout,
          () => 'slow handler did not start',
        );
        const t0 = Date.now();
        await first.sub.close();
        expect(finished).toBe(1);
        expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
        expect(first.got.map((g) => g.value)).toEqual(['slow']);

        await bus.publish(topic, [{ key: 'k', value: 'after' }]);
        await sleep(quietMs);
        expect(first.got.map((g) => g.value)).toEqual(['slow']); // closed: takes nothing new

        const second = await collect(bus, topic, groupId);
        await waitFor(
          () => second.got.length >= 1,
          timeout,
          () => `got ${second.got.length}`,
        );
        await sleep(quietMs);
        expect(second.got.map((g) => g.value)).toEqual(['after']); // 'slow' was committed on close
      },
      timeout,
    );

    it(
      'never commits a message whose handler did not succeed: closing during a retry backoff redelivers it',
      async () => {
        const bus = await open();
        const topic = topicName('uncommitted');
        const groupId = group('uncommitted');
        let attempts = 0;
        const first = await collect(bus, topic, groupId, {
          maxAttempts: 5,
          backoffMs: 60_000,
          behave: async () => {
            attempts++;
            throw new Error('down');
          },
        });
        await bus.publish(topic, [{ key: 'k', value: 'm1' }]);
        await waitFor(
          () => attempts === 1,
          timeout,
          () => 'handler not called',
        );
        const t0 = Date.now();
        await first.sub.close(); // must not wait for the 60 s backoff
        expect(Date.now() - t0).toBeLessThan(15_000);
        expect(first.got).toHaveLength(0);

        const second = await collect(bus, topic, groupId);
        await waitFor(
          () => second.got.length >= 1,
          timeout,
          () => `got ${second.got.length}`,
        );
        expect(second.got[0]!.value).toBe('m1');
        expect(second.got[0]!.attempt).toBe(1);
      },
      timeout,
    );

    it(
      'gives every group every message, and splits a group between its subscribers',
      async () => {
        const bus = await open();
        const topic = topicName('groups');
        const a = await collect(bus, topic, group('a'), { concurrency: 2 });
        const shared = group('shared');
        const b1 = await collect(bus, topic, shared);
        const b2 = await collect(bus, topic, shared);
        const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
        await bus.publish(
          topic,
          values.map((v, i) => ({ key: `key-${i % 10}`, value: v })),
        );
        await waitFor(
          () => a.got.length >= 40 && new Set([...b1.got, ...b2.got].map((g) => g.value)).size >= 40,
          timeout,
          () => `a ${a.got.length}, b ${b1.got.length}+${b2.got.length}`,
        );
        expect(a.got.map((g) => g.value).sort()).toEqual([...values].sort());
        expect([...new Set([...b1.got, ...b2.got].map((g) => g.value))].sort()).toEqual([...values].sort());
        expect(b1.got.length).toBeGreaterThan(0);
        expect(b2.got.length).toBeGreaterThan(0);
      },
      timeout,
    );

    it(
      'reports lag per partition',
      async () => {
        const bus = await open();
        const topic = topicName('lag');
        const groupId = group('lag');
        const first = await collect(bus, topic, groupId);
        await bus.publish(
          topic,
          Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
        );
        await waitFor(
          () => first.got.length >= 6,
          timeout,
          () => `got ${first.got.length}`,
        );
        await waitFor(
          async () => sumLag(await bus.lag(groupId), topic) === 0,
          timeout,
          () => 'lag did not drop to 0',
        );
        await first.sub.close();
        await bus.publish(
          topic,
          Array.from({ length: 3 }, (_, i) => ({ key: `k${i}`, value: `w${i}` })),
        );
        const lag = await bus.lag(groupId);
        expect(sumLag(lag, topic)).toBe(3);
        for (const l of lag.filter((x) => x.topic === topic)) {
          expect(l.groupId).toBe(groupId);
          expect(l.endOffset).toMatch(/^\d+$/);
          expect(l.lag).toBeGreaterThanOrEqual(0);
        }
      },
      timeout,
    );

    it(
      'forgets an ephemeral group when its subscription closes (a durable one keeps its offsets)',
      async () => {
        const bus = await open();
        const topic = topicName('ephemeral');
        await bus.publish(topic, [{ key: 'k', value: 'v1' }]);
        const ephemeral = group('ephemeral');
        const durable = group('durable');
        const subscribe = (groupId: string, got: string[], isEphemeral: boolean) =>
          bus.subscribe({
            topic,
            groupId,
            fromBeginning: true,
            ephemeral: isEphemeral,
            handler: async (m) => {
              got.push(m.value.toString('utf8'));
            },
          });
        const first = { e: [] as string[], d: [] as string[] };
        const e1 = await subscribe(ephemeral, first.e, true);
        const d1 = await subscribe(durable, first.d, false);
        await waitFor(
          () => first.e.length >= 1 && first.d.length >= 1,
          timeout,
          () => 'first delivery',
        );
        await e1.close();
        await d1.close();
        // the ephemeral group's offsets are gone; the durable group's stay, caught up
        expect((await bus.lag(ephemeral)).filter((l) => l.topic === topic)).toEqual([]);
        const durableLag = (await bus.lag(durable)).filter((l) => l.topic === topic);
        expect(durableLag.length).toBeGreaterThan(0);
        expect(sumLag(durableLag, topic)).toBe(0);
      },
      timeout,
    );

    it(
      'rejects publish after close, and close is idempotent',
      async () => {
        const bus = await open();
        const topic = topicName('closed');
        await bus.publish(topic, [{ key: 'k', value: 'v' }]);
        await bus.close();
        await bus.close();
        await expect(bus.publish(topic, [{ key: 'k', value: 'v' }])).rejects.toThrow();
      },
      timeout,
    );
  });
}

const sumLag = (lag: { topic: string; lag: number }[], topic: string) =>
  lag.filter((l) => l.topic === topic).reduce((s, l) => s + l.lag, 0);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs - 1000;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await sleep(10);
  }
}
