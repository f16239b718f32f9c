import { runSliced, runToEnd, type Steps } from './steps';

function* busy(steps: number, msPerStep: number): Steps<number> {
  for (let i = 0; i < steps; i++) {
    const until = performance.now() + msPerStep;
    while (performance.now() < until);
    yield;
  }
  return steps;
}

describe('steps', () => {
  it('runToEnd returns the result without yielding', () => {
    expect(runToEnd(busy(3, 0))).toBe(3);
  });

  it('runSliced lets timers run while a long job is in progress', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const result = await runSliced(busy(40, 5), 20); // ~200 ms of synchronous work
    clearInterval(timer);
    expect(result).toBe(40);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
