import type { ConsumerLag } from '@engram/ports';
import { cachedLag } from './lag-cache';

function lagRow(lag: number): ConsumerLag {
  return { groupId: 'g', topic: 't', partition: 0, committedOffset: '0', endOffset: String(lag), lag };
}

describe('cachedLag', () => {
  it('reads at most once per ttl, shares a read in flight, and backs off after a failure', async () => {
    let t = 0;
    let calls = 0;
    let fail = false;
    const read = cachedLag(
      async () => {
        calls++;
        if (fail) throw new Error('down');
        return [lagRow(calls)];
      },
      { ttlMs: 1000, timeoutMs: 500, now: () => t },
    );
    const [a, b] = await Promise.all([read(), read()]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    t = 999;
    expect((await read())[0]!.lag).toBe(1);
    t = 1000;
    expect((await read())[0]!.lag).toBe(2);
    fail = true;
    t = 2000;
    await expect(read()).rejects.toThrow('down');
    t = 2500;
    await expect(read()).rejects.toThrow(/last read failed/);
    expect(calls).toBe(3);
  });

  it('gives up waiting on a slow broker; the read goes on and serves the next scrape', async () => {
    let finish!: (v: ConsumerLag[]) => void;
    let calls = 0;
    const read = cachedLag(
      () => {
        calls++;
        return new Promise<ConsumerLag[]>((r) => (finish = r));
      },
      { ttlMs: 60_000, timeoutMs: 20 },
    );
    await expect(read()).rejects.toThrow(/no answer in 20 ms/);
    const next = read(); // joins the read still in flight
    finish([lagRow(4)]);
    expect((await next)[0]!.lag).toBe(4);
    expect(calls).toBe(1);
  });
});
