import { Bm25Index } from '../baseline/bm25';
import { clusterBootstrap } from '../metrics/bootstrap';
import { scoreAtK, toSessionLevel } from '../metrics/retrieval';
import { itemsWithinBudget } from '../metrics/token-budget';
import { check, type Check } from './check';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * Hand-computed cases run inside the smoke itself, so the deployed harness (not only the unit
 * tests) proves its metric code before it judges a server.
 */
export function metricSelfTest(): Check[] {
  const gold = new Set(['D1:1', 'D2:1']);
  const ranked = [['D9:9'], ['D1:1', 'D2:1'], ['D1:1']];
  const s = scoreAtK(ranked, gold, 3);
  const idcg = 1 + 1 / Math.log2(3);
  const bm = new Bm25Index(['red apple pie', 'green apple', 'blue sky']).search('apple pie', 3).map((h) => h.index);
  const boot = () => JSON.stringify(clusterBootstrap([{ cluster: 'a', values: { x: 1 } }, { cluster: 'b', values: { x: 0 } }], ['x'], { resamples: 200, seed: 7 }));
  return [
    check('self-test recall/MRR', s.recall_any === 1 && s.recall_all === 1 && s.evidence_recall === 1 && close(s.mrr, 0.5), JSON.stringify(s)),
    check('self-test NDCG (merged memory scores 1/log2(3)/IDCG)', close(s.ndcg, 1 / Math.log2(3) / idcg), String(s.ndcg)),
    check('self-test session dedup', JSON.stringify(toSessionLevel([['D1:1'], ['D1:2'], ['D2:1']])) === '[["D1"],["D2"]]', 'D1 repeated is dropped'),
    check('self-test token budget', itemsWithinBudget([300, 300, 10], 500) === 1, 'cut at first overflow'),
    check('self-test BM25 ranking', JSON.stringify(bm) === '[0,1,2]', JSON.stringify(bm)),
    check('self-test bootstrap determinism', boot() === boot(), 'same seed, same interval'),
  ];
}
