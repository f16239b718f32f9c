import { randomBytes } from 'node:crypto';
import type { CliOptions } from '../cli/args';
import type { MemosClient } from '../client/memos-client';
import { loadLocomo } from '../data/locomo';
import { selectConversations, selectQuestions } from '../data/select';
import { judgeConfigFromEnv } from '../judge/config';
import { judgeLocomo } from '../judge/run';
import { judgeMarkdown } from '../report/judge-md';
import { locomoMarkdown } from '../report/locomo-md';
import { gitInfo, sha256File, utcDate } from '../report/provenance';
import { TOKENIZER } from '../metrics/tokens';
import { locomoFile, repoRoot } from '../util/paths';
import { evaluateLocomo, type LocomoEvaluation, type Selection } from './evaluate';
import { buildLocomoReport, type LocomoReport } from './report';
import { scoringConfig } from './score';

export interface LocomoOutcome {
  report: LocomoReport;
  markdown: string;
  evaluation: LocomoEvaluation;
  selection: Selection[];
  details: unknown;
  judgeItems: unknown;
}

function details(ev: LocomoEvaluation): unknown {
  const bm25 = new Map(ev.bm25.runs.map((r) => [`${r.question.conversationId}#${r.question.index}`, r]));
  const base = ev.server?.runs ?? ev.bm25.runs;
  return base.map((r) => ({
    conversation: r.question.conversationId,
    qa: r.question.index,
    category: r.question.category,
    question: r.question.question,
    evidence: r.question.evidence,
    server: ev.server ? r.ranked.map((x) => x.sources) : undefined,
    bm25_top10: bm25.get(`${r.question.conversationId}#${r.question.index}`)?.ranked.slice(0, 10).map((x) => x.sources),
  }));
}

/** The LoCoMo LLM-free run (benchmarks.md §6.1): server (unless --baseline-only), BM25 and oracle rows. */
export async function runLocomo(opts: CliOptions, client: MemosClient | undefined): Promise<LocomoOutcome> {
  const file = opts.dataFile ?? locomoFile();
  const selection = selectConversations(loadLocomo(file), opts.conversations).map((conversation) => ({
    conversation,
    questions: selectQuestions(conversation.questions, opts.limitQuestions),
  }));
  const scoring = scoringConfig(opts.topK);
  // Fresh cubes per run: the id only names namespaces and never enters a metric.
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const evaluation = await evaluateLocomo(selection, client, { topK: opts.topK, mode: opts.mode, dedup: opts.dedup, runId, scoring });
  const report = buildLocomoReport(selection, evaluation, {
    name: opts.name,
    date: utcDate(),
    config: {
      command: opts.command,
      // A spawned server's port changes every run; keep the config repeatable.
      server: client ? (opts.start ? 'spawned (--start)' : client.baseUrl) : 'none (baseline only)',
      top_k: opts.topK,
      mode: opts.mode,
      dedup: opts.dedup,
      relativity: 0,
      conversations: opts.conversations ?? 'all',
      limit_questions: opts.limitQuestions ?? 'all',
      seed: opts.seed,
      bootstrap_resamples: opts.resamples,
      tokenizer: TOKENIZER,
      ingestion: 'one add per session, async_mode sync; role user; content "<speaker>: <text>" (+ " [shares <blip_caption>]"); message_id = dia_id; chat_time = session start + i s (UTC)',
      category_mapping: 'numeric ids; labels 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial (LoCoMo code)',
    },
    data: { file, sha256: sha256File(file) },
    git: gitInfo(repoRoot()),
    bootstrap: { resamples: opts.resamples, seed: opts.seed },
    scoring,
  });
  let judgeMd = '';
  let judgeItems: unknown;
  const judgeCfg = judgeConfigFromEnv();
  if (judgeCfg && evaluation.server) {
    const judged = await judgeLocomo(evaluation.server.runs, judgeCfg);
    report.judge = judged.summary;
    judgeItems = judged.items;
    judgeMd = judgeMarkdown(judged.summary);
  }
  return { report, markdown: locomoMarkdown(report, judgeMd), evaluation, selection, details: details(evaluation), judgeItems };
}
