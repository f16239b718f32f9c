import {
  abortableSleep,
  checkOutgoing,
  checkSubscribeOptions,
  deliverMessage,
  observePublish,
} from './delivery';
import {
  DEAD_LETTER_HEADERS,
  DEFAULT_RETRY_POLICY,
  type BusObserver,
  type OutgoingMessage,
} from '@engram/ports';

const message = {
  topic: 't',
  partition: 0,
  offset: '7',
  key: 'k',
  value: Buffer.from('{}'),
  headers: {},
  timestamp: 0,
};
const ctx = (dead: OutgoingMessage[], stopping = false) => ({
  groupId: 'g',
  policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2, initialBackoffMs: 0 },
  stopping: () => stopping,
  sleep: async () => undefined,
  deadLetter: (m: OutgoingMessage) => void dead.push(m),
});

describe('bus delivery helpers', () => {
  it('commits a handled message without a dead letter', async () => {
    const dead: OutgoingMessage[] = [];
    await expect(deliverMessage(async () => undefined, message, ctx(dead))).resolves.toBe(true);
    expect(dead).toEqual([]);
  });

  it('dead-letters after maxAttempts, then commits', async () => {
    const dead: OutgoingMessage[] = [];
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('x');
    };
    const commit = await deliverMessage(failing, message, {
      ...ctx(dead),
      logger: { warn: () => undefined },
    });
    expect(commit).toBe(true);
    expect(calls).toBe(2);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers![DEAD_LETTER_HEADERS.attempts]).toBe('2');
  });

  it('does not commit when closing cuts retries short', async () => {
    const dead: OutgoingMessage[] = [];
    const commit = await deliverMessage(() => Promise.reject(new Error('x')), message, ctx(dead, true));
    expect(commit).toBe(false);
    expect(dead).toEqual([]);
  });

  it('reports publishes to the observer, failed ones with their error', async () => {
    const seen: { count: number; error?: unknown }[] = [];
    const observer: BusObserver = { published: (e) => void seen.push(e) };
    await observePublish(observer, 't', 2, () => undefined);
    await expect(
      observePublish(observer, 't', 1, () => {
        throw new Error('closed');
      }),
    ).rejects.toThrow('closed');
    expect(seen.map((e) => [e.count, e.error === undefined])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('checks subscribe options and outgoing messages', () => {
    const handler = async () => undefined;
    expect(checkSubscribeOptions({ topic: ['a', 'a'], groupId: 'g', handler })).toMatchObject({
      topics: ['a'],
      concurrency: 1,
    });
    expect(() => checkSubscribeOptions({ topic: [], groupId: 'g', handler })).toThrow(TypeError);
    expect(() => checkSubscribeOptions({ topic: 'a', groupId: 'g', handler, concurrency: 0 })).toThrow(
      RangeError,
    );
    expect(() => checkOutgoing('t', { key: 1 as unknown as string, value: 'v' }, 3)).toThrow(
      'messages[3].key',
    );
    expect(checkOutgoing('t', { key: null, value: 'v', headers: { a: 'b' } }, 0)).toEqual({
      key: null,
      value: 'v',
      headers: { a: 'b' },
    });
  });

  it('abortableSleep returns early on abort', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = abortableSleep(10_000, ac.signal);
    ac.abort();
    await p;
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
