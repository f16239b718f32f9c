import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CliOptions } from '../cli/args';
import type { MemosClient } from '../client/memos-client';
import { buildItem, loadForm, loadInterTurns, topics, type PrefForm, type PrefItem } from '../data/prefeval';
import { distribution, type Distribution } from '../metrics/percentile';
import { TOKENIZER } from '../metrics/tokens';
import { prefevalMarkdown } from '../report/prefeval-md';
import { gitInfo, sha256File, utcDate } from '../report/provenance';
import { prefevalDir, repoRoot } from '../util/paths';
import { progress } from '../util/progress';
import { runCase } from './run';
import { sampleIndices } from './sample';
import { aggregate, type PrefGroup } from './score';
import type { PrefCase } from './types';

export interface PrefevalReport {
  benchmark: 'prefeval';
  name: string;
  date: string;
  config: Record<string, unknown>;
  data: { dir: string; inter_turns_sha256: string; topics: string[] };
  git: ReturnType<typeof gitInfo>;
  groups: PrefGroup[];
  efficiency: { search_latency_ms: Distribution; returned_tokens_per_query: Distribution; ingest_ms_per_100_messages: number };
}

/** PrefEval as a retrieval test (benchmarks.md §6.4): fresh cube per item and distractor level. */
export async function runPrefeval(opts: CliOptions, client: MemosClient): Promise<{ report: PrefevalReport; markdown: string }> {
  const dir = prefevalDir();
  const allTopics = topics(dir);
  const forms = opts.forms as PrefForm[];
  const raw = new Map<string, unknown[]>();
  for (const form of forms) for (const t of allTopics) raw.set(`${form}|${t}`, loadForm(dir, form, t));
  const sizes: Record<string, number> = {};
  for (const t of allTopics) sizes[t] = Math.min(...forms.map((f) => raw.get(`${f}|${t}`)?.length ?? 0));
  const picks = sampleIndices(sizes, opts.sample, opts.full, opts.seed);
  const items: PrefItem[] = [];
  for (const form of forms) {
    for (const t of allTopics) for (const i of picks[t] ?? []) items.push(buildItem(form, t, i, raw.get(`${form}|${t}`)?.[i]));
  }
  const inter = loadInterTurns(dir);
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const bar = progress('prefeval cases', items.length * opts.distractors.length);
  const cases: PrefCase[] = [];
  for (const pairs of opts.distractors) {
    for (const item of items) {
      cases.push(await runCase(client, item, pairs, inter, { topK: opts.topK, mode: opts.mode, dedup: opts.dedup, runId }));
      bar.tick();
    }
  }
  bar.done();
  const messages = cases.reduce((a, c) => a + c.messages, 0);
  const ingestMs = cases.reduce((a, c) => a + c.ingestMs, 0);
  const report: PrefevalReport = {
    benchmark: 'prefeval',
    name: opts.name,
    date: utcDate(),
    config: {
      server: opts.start ? 'spawned (--start)' : client.baseUrl,
      top_k: opts.topK,
      mode: opts.mode,
      dedup: opts.dedup,
      forms,
      distractor_pairs: opts.distractors,
      sample: opts.full ? 'full' : `${opts.sample} per topic (seed ${opts.seed})`,
      tokenizer: TOKENIZER,
      gold: 'explicit: the preference message; choice: user_selection (partial = any of the 4 messages); persona: any user message (weak label)',
    },
    data: { dir, inter_turns_sha256: sha256File(join(dir, 'filtered_inter_turns.json')), topics: allTopics },
    git: gitInfo(repoRoot()),
    groups: aggregate(cases, opts.topK),
    efficiency: {
      search_latency_ms: distribution(cases.map((c) => c.latencyMs)),
      returned_tokens_per_query: distribution(cases.map((c) => c.returnedTokens)),
      ingest_ms_per_100_messages: messages ? (ingestMs / messages) * 100 : Number.NaN,
    },
  };
  return { report, markdown: prefevalMarkdown(report) };
}
