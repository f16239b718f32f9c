import { distribution, mean, percentile } from './percentile';

describe('percentile', () => {
  it('interpolates linearly like numpy', () => {
    const xs = [1, 2, 3, 4];
    expect(percentile(xs, 50)).toBe(2.5);
    expect(percentile(xs, 95)).toBeCloseTo(3.85, 12);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('does not depend on input order', () => {
    expect(percentile([4, 1, 3, 2], 25)).toBe(percentile([1, 2, 3, 4], 25));
  });

  it('summarises a distribution', () => {
    const d = distribution([10, 20, 30]);
    expect(d).toMatchObject({ n: 3, mean: 20, p50: 20, max: 30 });
    expect(mean([])).toBeNaN();
  });
});
