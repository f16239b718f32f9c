import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('grants in FIFO order up to the limit', async () => {
    const s = new Semaphore(1);
    const order: number[] = [];
    const r1 = await s.acquire();
    const p2 = s.acquire().then((r) => (order.push(2), r));
    const p3 = s.acquire().then((r) => (order.push(3), r));
    expect(s.queued).toBe(2);
    r1();
    (await p2)();
    (await p3)();
    expect(order).toEqual([2, 3]);
    expect(s.inFlight).toBe(0);
  });

  it('removes an aborted waiter from the queue', async () => {
    const s = new Semaphore(1);
    const r1 = await s.acquire();
    const ac = new AbortController();
    const p = s.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(s.queued).toBe(0);
    r1();
    r1(); // releasing twice is harmless
    expect(s.inFlight).toBe(0);
  });
});
