/**
 * Fits the retrieval fusion weights (libs/retrieval ScoringModel) by logistic regression on LoCoMo dev:
 * label = the memory cites a gold evidence turn of the question. Fits on some conversations and reports
 * evidence recall@k on the others, old weights vs fitted, so the change is measured, not assumed.
 *   npx tsx evaluation/calibrate/fit-scoring.ts [--fit 0,1,2] [--test 3,4] [--window 128 --overlap 32]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDefaultEmbedder } from '@engram/embedding';
import { MemoryService } from '@engram/memory-core';
import { DEFAULT_SCORING, relativity, type RelevanceFeatures, type ScoringModel } from '@engram/retrieval';
import { openEmbeddedStores } from '@engram/storage-embedded';
import { loadLocomo } from '../src/data/locomo';
import { locomoFile } from '../src/util/paths';

interface Row {
  conv: number;
  q: number;
  f: RelevanceFeatures;
  label: number;
  evidence: Set<string>;
  sources: string[];
}

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};

async function main() {
  const dataFile = locomoFile();
  const convs = loadLocomo(dataFile);
  const fitSet = arg('fit', '0,1,2').split(',').map(Number);
  const testSet = arg('test', '3,4').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'engram-fit-'));
  const embedder = await resolveDefaultEmbedder({ log: console });
  const stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  const svc = new MemoryService({ ...stores, embedder, window: { maxTokens: Number(arg('window', '128')), overlapTokens: Number(arg('overlap', '32')) } });
  const rows: Row[] = [];
  try {
    for (const ci of [...fitSet, ...testSet]) {
      const conv = convs[ci]!;
      for (const s of conv.sessions) {
        await svc.add({
          tenant_id: 't', user_id: 'eval', session_id: `${conv.id}-${s.index}`, cube_ids: [conv.id], mode: 'fast', async_mode: 'sync',
          messages: s.turns.map((t) => ({ role: 'user', content: t.content, chat_time: t.chatTime, message_id: t.diaId })),
        });
      }
      for (const q of conv.questions) {
        if (q.category === 5 || !q.evidence.length) continue;
        const out = await svc.search({
          tenant_id: 't', user_id: 'eval', query: q.question, cube_ids: [conv.id], top_k: 50, relativity: 0, dedup: 'no', filter: null,
          include_preference: false, pref_top_k: 0, search_tool_memory: false, tool_mem_top_k: 0, include_skill_memory: false, skill_mem_top_k: 0,
        });
        const ev = new Set(q.evidence);
        for (const m of out.buckets.flatMap((b) => b.memories)) {
          const sources = m.item.sources.map((s) => s.message_id);
          rows.push({ conv: ci, q: q.index, f: m.features, label: sources.some((id) => ev.has(id)) ? 1 : 0, evidence: ev, sources });
        }
      }
      console.error(`conversation ${conv.id}: ${rows.length} rows so far`);
    }
  } finally {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const fitted = fit(rows.filter((r) => fitSet.includes(r.conv)));
  const test = rows.filter((r) => testSet.includes(r.conv));
  const report = (name: string, m: ScoringModel) => {
    const r = recallAt(test, m);
    console.log(`${name.padEnd(8)} evidence recall@5 ${r[5]!.toFixed(3)}  @10 ${r[10]!.toFixed(3)}  @20 ${r[20]!.toFixed(3)}  log-loss ${logLoss(test, m).toFixed(4)}`);
  };
  report('default', DEFAULT_SCORING);
  report('fitted', fitted);
  console.log(JSON.stringify(fitted));
  // Ranking is what retrieval needs: also search a small grid for the best recall@10 on the fit set.
  const fitRows = rows.filter((r) => fitSet.includes(r.conv));
  let best = { m: DEFAULT_SCORING, r: recallAt(fitRows, DEFAULT_SCORING)[10]! };
  for (const wCos of [4, 8, 12, 16])
    for (const wCov of [0, 1, 2.5, 4])
      for (const wEnt of [0, 0.8])
        for (const wBm25 of [0, 1, 3, 6]) {
          const m = { ...DEFAULT_SCORING, wCos, wCov, wEnt, wBm25 };
          const r = recallAt(fitRows, m)[10]!;
          if (r > best.r) best = { m, r };
        }
  report('grid', best.m);
  console.log(JSON.stringify(best.m));
}

const FEATURES = ['cosine', 'coverage', 'entities', 'bm25'] as const;

/** Plain batch gradient descent on the log loss with light L2; features are all in [0, 1]. */
function fit(rows: Row[]): ScoringModel {
  const w = [0, 0, 0, 0];
  let b = 0;
  const lr = 0.5;
  for (let it = 0; it < 4000; it++) {
    const g = [0, 0, 0, 0];
    let gb = 0;
    for (const r of rows) {
      const x = FEATURES.map((k) => r.f[k]);
      const p = 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * w[i]!, 0) + b)));
      const e = p - r.label;
      x.forEach((v, i) => (g[i]! += e * v));
      gb += e;
    }
    w.forEach((_, i) => (w[i]! -= lr * (g[i]! / rows.length + 1e-4 * w[i]!)));
    b -= lr * (gb / rows.length);
  }
  const c0 = DEFAULT_SCORING.c0;
  return { ...DEFAULT_SCORING, wCos: w[0]!, c0, wCov: w[1]!, wEnt: w[2]!, wBm25: w[3]!, bias: b + w[0]! * c0 };
}

function logLoss(rows: Row[], m: ScoringModel): number {
  let s = 0;
  for (const r of rows) {
    const p = Math.min(1 - 1e-9, Math.max(1e-9, relativity(r.f, m)));
    s -= r.label ? Math.log(p) : Math.log(1 - p);
  }
  return s / rows.length;
}

/** Evidence recall@k after re-ranking each question's candidates with model m. */
function recallAt(rows: Row[], m: ScoringModel): Record<number, number> {
  const byQ = new Map<string, Row[]>();
  for (const r of rows) byQ.set(`${r.conv}:${r.q}`, [...(byQ.get(`${r.conv}:${r.q}`) ?? []), r]);
  const out: Record<number, number> = {};
  for (const k of [5, 10, 20]) {
    let sum = 0;
    for (const list of byQ.values()) {
      const ranked = [...list].sort((a, b) => relativity(b.f, m) - relativity(a.f, m)).slice(0, k);
      const ev = list[0]!.evidence;
      const got = new Set(ranked.flatMap((r) => r.sources).filter((id) => ev.has(id)));
      sum += got.size / ev.size;
    }
    out[k] = sum / byQ.size;
  }
  return out;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
