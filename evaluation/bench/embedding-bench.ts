/**
 * Micro benchmark for the embedders (not a test). Run:
 *   npx tsx evaluation/bench/embedding-bench.ts [--provider onnx|hashing] [--threads 2] [--queries 200] [--docs 256] [--batch 32]
 * Prints single-query latency p50/p95 (the search path) and batch throughput (the indexing path).
 */
import type { Embedder } from '@engram/ports';
import { createEmbedder, type EmbedderProvider } from '@engram/embedding';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const SUBJECTS = ['the user', 'my manager', 'our team', 'Alice', '用户', '我的同事', 'the agent', 'Bob'];
const VERBS = ['prefers', 'asked about', 'forgot', 'scheduled', '喜欢', '提到了', 'needs', 'cancelled'];
const OBJECTS = [
  'oat milk lattes',
  'the Berlin trip',
  'a dentist appointment',
  '周末的会议',
  'the Q3 report',
  '北京的酒店',
  'vegan recipes',
  'the API keys',
];

/** Distinct short queries, so no layer can answer from a cache. */
function queries(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `what ${VERBS[i % 8]} ${OBJECTS[(i * 3) % 8]} for ${SUBJECTS[(i * 5) % 8]} #${i}`,
  );
}

/** Memory-sized documents of roughly 40-70 words. */
function documents(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const parts: string[] = [];
    for (let k = 0; k < 6 + (i % 5); k++)
      parts.push(`${SUBJECTS[(i + k) % 8]} ${VERBS[(i * k + 1) % 8]} ${OBJECTS[(i + 2 * k) % 8]}`);
    return `Memory ${i}: ${parts.join('; ')}.`;
  });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const provider = arg('provider', 'onnx') as EmbedderProvider;
  const threads = Number(arg('threads', '2'));
  const nq = Number(arg('queries', '200'));
  const nd = Number(arg('docs', '256'));
  const batch = Number(arg('batch', '32'));
  const t0 = performance.now();
  const e: Embedder = await createEmbedder({ provider, onnx: { intraOpThreads: threads, batchSize: batch } });
  console.log(
    `embedder ${e.id} (dimension ${e.dimension}), load ${(performance.now() - t0).toFixed(0)} ms, intra-op threads ${threads}`,
  );

  for (const q of queries(20)) await e.embed([`warm-up ${q}`], 'query');
  const lat: number[] = [];
  for (const q of queries(nq)) {
    const s = performance.now();
    await e.embed([q], 'query');
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  console.log(
    `query latency over ${nq} short queries: p50 ${pct(lat, 50).toFixed(2)} ms, p95 ${pct(lat, 95).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`,
  );

  const docs = documents(nd);
  const s = performance.now();
  await e.embed(docs, 'document');
  const secs = (performance.now() - s) / 1000;
  console.log(
    `batch throughput: ${nd} documents (~${Math.round(docs.join(' ').split(/\s+/).length / nd)} words each, batch ${batch}) in ${secs.toFixed(2)} s = ${(nd / secs).toFixed(1)} docs/s`,
  );
  await e.close?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
