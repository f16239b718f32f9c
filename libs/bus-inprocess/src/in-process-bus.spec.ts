import { deadLetterMessage, resolveRetryPolicy } from '@engram/bus';
import { DEFAULT_RETRY_POLICY, DEAD_LETTER_HEADERS, retryBackoffMs } from '@engram/ports';
import { decodeEvent, TOPICS } from '@engram/contracts';
import { describeMessageBusConformance } from '@engram/testing';
import { InProcessMessageBus } from './in-process-bus';

const quiet = { warn: () => undefined, error: (m: unknown) => console.error(m) };

describeMessageBusConformance('in-process', {
  open: async ({ deadLetterTopic, observer }) =>
    new InProcessMessageBus({ deadLetterTopic, observer, partitions: 8, logger: quiet }),
  sharedAcrossInstances: false,
  quietMs: 100,
  timeoutMs: 10_000,
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('InProcessMessageBus specifics', () => {
  it('maps a key to the same partition every time and spreads keys', async () => {
    const bus = new InProcessMessageBus({ partitions: 4 });
    const seen = new Map<string, Set<number>>();
    await bus.subscribe({
      topic: 't',
      groupId: 'g',
      concurrency: 4,
      handler: async (m) => {
        seen.set(m.key!, (seen.get(m.key!) ?? new Set()).add(m.partition));
      },
    });
    const keys = Array.from({ length: 40 }, (_, i) => `tenant:cube-${i}`);
    await bus.publish(
      't',
      [...keys, ...keys].map((key) => ({ key, value: 'x' })),
    );
    await sleep(50);
    expect([...seen.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set([...seen.values()].map((s) => [...s][0])).size).toBe(4);
    expect(bus.partitionsOf('t')).toBe(4);
    await bus.close();
  });

  it('starts a new group at the end with fromBeginning: false', async () => {
    const bus = new InProcessMessageBus();
    await bus.publish('t', [{ key: 'k', value: 'old' }]);
    const got: string[] = [];
    await bus.subscribe({
      topic: 't',
      groupId: 'late',
      fromBeginning: false,
      handler: async (m) => void got.push(m.value.toString()),
    });
    await bus.publish('t', [{ key: 'k', value: 'new' }]);
    await sleep(20);
    expect(got).toEqual(['new']);
    await bus.close();
  });

  it('drops messages every group has committed, and caps retention', async () => {
    const bus = new InProcessMessageBus({ partitions: 1, retention: 5 });
    await bus.publish(
      't',
      Array.from({ length: 8 }, (_, i) => ({ key: null, value: `v${i}` })),
    );
    expect((await bus.lag()).length).toBe(0);
    const got: string[] = [];
    const sub = await bus.subscribe({
      topic: 't',
      groupId: 'g',
      handler: async (m) => void got.push(m.value.toString()),
    });
    await sleep(20);
    expect(got).toEqual(['v3', 'v4', 'v5', 'v6', 'v7']); // v0-v2 fell out of retention before anyone read them
    expect(await bus.lag('g')).toEqual([
      { groupId: 'g', topic: 't', partition: 0, committedOffset: '8', endOffset: '8', lag: 0 },
    ]);
    await sub.close();
    await bus.close();
  });

  it('rejects bad input with a message that names the field', async () => {
    const bus = new InProcessMessageBus();
    await expect(bus.publish('', [{ key: 'k', value: 'v' }])).rejects.toThrow(/topic/);
    await expect(bus.publish('t', [{ key: 'k', value: 5 as unknown as string }])).rejects.toThrow(
      /messages\[0\]\.value/,
    );
    await expect(
      bus.publish('t', [{ key: 'k', value: 'v', headers: { h: 1 as unknown as string } }]),
    ).rejects.toThrow(/headers\.h/);
    await expect(bus.subscribe({ topic: [], groupId: 'g', handler: async () => undefined })).rejects.toThrow(
      /topic/,
    );
    await expect(
      bus.subscribe({ topic: 't', groupId: 'g', concurrency: 0, handler: async () => undefined }),
    ).rejects.toThrow(/concurrency/);
    await expect(
      bus.subscribe({ topic: 't', groupId: 'g', retry: { maxAttempts: 0 }, handler: async () => undefined }),
    ).rejects.toThrow(/maxAttempts/);
    await bus.close();
  });

  it('copies a published buffer, so later changes by the caller do not leak', async () => {
    const bus = new InProcessMessageBus();
    const buf = Buffer.from('abc');
    let got = '';
    await bus.subscribe({ topic: 't', groupId: 'g', handler: async (m) => void (got = m.value.toString()) });
    await bus.publish('t', [{ key: 'k', value: buf }]);
    buf.write('xyz');
    await sleep(10);
    expect(got).toBe('abc');
    await bus.close();
  });

  it('keeps working on other keys while one key waits on a retry', async () => {
    const bus = new InProcessMessageBus({ partitions: 8 });
    const got: string[] = [];
    let failures = 0;
    await bus.subscribe({
      topic: 't',
      groupId: 'g',
      concurrency: 8,
      retry: { maxAttempts: 3, initialBackoffMs: 200 },
      handler: async (m) => {
        if (m.key === 'slow' && failures++ === 0) throw new Error('once');
        got.push(m.value.toString());
      },
    });
    await bus.publish('t', [
      { key: 'slow', value: 's' },
      ...Array.from({ length: 5 }, (_, i) => ({ key: `fast-${i}`, value: `f${i}` })),
    ]);
    await sleep(80);
    expect(got.filter((v) => v.startsWith('f'))).toHaveLength(5);
    expect(got).not.toContain('s');
    await sleep(300);
    expect(got).toContain('s');
    await bus.close();
  });
});

describe('delivery helpers (libs/ports bus)', () => {
  it('backs off exponentially with jitter and a cap', () => {
    const p = { ...DEFAULT_RETRY_POLICY, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2 };
    expect(retryBackoffMs(p, 1, () => 0.5)).toBe(100);
    expect(retryBackoffMs(p, 2, () => 0.5)).toBe(200);
    expect(retryBackoffMs(p, 3, () => 0.5)).toBe(400);
    expect(retryBackoffMs(p, 10, () => 0.5)).toBe(1000);
    expect(retryBackoffMs(p, 1, () => 0)).toBe(80);
    expect(retryBackoffMs(p, 1, () => 0.9999)).toBe(120);
    expect(resolveRetryPolicy({ maxAttempts: 2, initialBackoffMs: undefined })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 2,
    });
  });

  it('builds a valid contracts dead letter with a stable id', () => {
    const msg = {
      topic: 'engram.raw-input.v1',
      partition: 3,
      offset: '42',
      key: 'acme:cube',
      value: Buffer.from('{"tenant_id":"acme"}'),
      headers: { a: 'b' },
      timestamp: 0,
    };
    const err = new TypeError('x'.repeat(5000));
    const a = deadLetterMessage(msg, 'mem-reader', err, 5, new Date('2026-01-01T00:00:00Z'));
    const b = deadLetterMessage(msg, 'mem-reader', err, 5);
    const ea = decodeEvent(TOPICS.deadLetter, a.value);
    expect(ea.event_id).toBe(decodeEvent(TOPICS.deadLetter, b.value).event_id);
    expect(ea).toMatchObject({
      tenant_id: 'acme',
      source_topic: 'engram.raw-input.v1',
      source_partition: 3,
      source_offset: '42',
      source_key: 'acme:cube',
      consumer_group: 'mem-reader',
      attempts: 5,
    });
    expect(a.key).toBe('acme:cube');
    expect(a.headers![DEAD_LETTER_HEADERS.error]!.length).toBeLessThanOrEqual(1024);
    expect(a.headers![DEAD_LETTER_HEADERS.errorName]).toBe('TypeError');
    expect(a.headers!['a']).toBe('b');
    expect(a.headers!['engram-schema']).toBe(TOPICS.deadLetter);
    const long = deadLetterMessage({ ...msg, topic: 't'.repeat(300) }, 'g', 'plain string', 1);
    expect(decodeEvent(TOPICS.deadLetter, long.value).event_id).toMatch(/^dlq:[0-9a-f]{64}$/);
  });
});
