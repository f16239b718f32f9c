import { seededRng, shuffled } from '../util/rng';

/**
 * Item indices per topic: `perTopic` seeded picks per topic (stratified), or all with `full`.
 * The same indices serve every form, since the forms share their preference/question pairs.
 */
export function sampleIndices(sizes: Readonly<Record<string, number>>, perTopic: number, full: boolean, seed: number): Record<string, number[]> {
  const rng = seededRng(seed);
  const out: Record<string, number[]> = {};
  for (const topic of Object.keys(sizes).sort()) {
    const all = Array.from({ length: sizes[topic] ?? 0 }, (_, i) => i);
    out[topic] = full ? all : shuffled(all, rng).slice(0, perTopic).sort((a, b) => a - b);
  }
  return out;
}
