import { clusterBootstrap, type ClusteredRow } from './bootstrap';

const rows: ClusteredRow[] = [
  { cluster: 'c1', values: { m: 1 } },
  { cluster: 'c1', values: { m: 1 } },
  { cluster: 'c2', values: { m: 0 } },
  { cluster: 'c3', values: { m: 0.5 } },
  { cluster: 'c3', values: { m: 0.5 } },
  { cluster: 'c3', values: { m: 0.5 } },
];

describe('clusterBootstrap', () => {
  it('reports the question-weighted mean', () => {
    const r = clusterBootstrap(rows, ['m'], { resamples: 100, seed: 1 });
    expect(r['m']?.mean).toBeCloseTo(3.5 / 6, 12);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = clusterBootstrap(rows, ['m'], { resamples: 500, seed: 42 });
    const b = clusterBootstrap(rows, ['m'], { resamples: 500, seed: 42 });
    const c = clusterBootstrap(rows, ['m'], { resamples: 500, seed: 43 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('keeps the interval inside the range of cluster means and around the mean', () => {
    const r = clusterBootstrap(rows, ['m'], { resamples: 2000, seed: 3 })['m'];
    expect(r).toBeDefined();
    expect(r!.lo).toBeGreaterThanOrEqual(0);
    expect(r!.hi).toBeLessThanOrEqual(1);
    expect(r!.lo).toBeLessThanOrEqual(r!.mean);
    expect(r!.hi).toBeGreaterThanOrEqual(r!.mean);
  });

  it('collapses to a point when every cluster has the same mean', () => {
    const flat = [
      { cluster: 'a', values: { m: 0.5 } },
      { cluster: 'b', values: { m: 0 } },
      { cluster: 'b', values: { m: 1 } },
    ];
    expect(clusterBootstrap(flat, ['m'], { resamples: 200, seed: 9 })['m']).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5 });
  });
});
