import type { QuestionRun } from '../locomo/types';
import { distribution, mean, type Distribution } from '../metrics/percentile';
import { countTokens } from '../metrics/tokens';
import { mapPool } from '../util/pool';
import type { JudgeConfig } from './config';
import { renderContext } from './context';
import { tokenF1 } from './f1';
import { parseLabel, type Label } from './label';
import { chatComplete } from './openai';
import { ANSWER_PROMPT_ID, answerMessages, JUDGE_PROMPT_ID, judgeMessages } from './prompts';

export interface JudgedQuestion {
  conversation: string;
  qa: number;
  category: number;
  answer: string;
  gold: string;
  labels: (Label | 'UNPARSED')[];
  f1: number;
  contextTokens: number;
  answerMs: number;
}

export interface JudgeSummary {
  answer_prompt: string;
  judge_prompt: string;
  answer_model: string;
  judge_model: string;
  runs: number;
  context_k: number;
  questions: number;
  /** Accuracy of each judge run; the headline is their mean ± population std. */
  accuracy_per_run: number[];
  accuracy_mean: number;
  accuracy_std: number;
  per_category: Record<string, { n: number; mean: number; std: number }>;
  f1_mean: number;
  unparsed_labels: number;
  context_tokens_mean: number;
  answer_latency_ms: Distribution;
  sanity: { cases: number; false_accept_rate: number };
}

function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

function accuracyPerRun(items: readonly JudgedQuestion[], runs: number): number[] {
  return Array.from({ length: runs }, (_, r) => (items.length ? items.filter((q) => q.labels[r] === 'CORRECT').length / items.length : Number.NaN));
}

async function judgeOnce(cfg: JudgeConfig, question: string, gold: string, generated: string): Promise<Label | 'UNPARSED'> {
  return parseLabel(await chatComplete(cfg, cfg.judgeModel, judgeMessages(question, gold, generated))) ?? 'UNPARSED';
}

/**
 * Wrong answers that look plausible: the gold answer of the next question of the same category
 * with a different answer. A generous judge that accepts these is inflating the score.
 */
function sanityPairs(items: readonly JudgedQuestion[], runs: readonly QuestionRun[], n: number): { question: string; gold: string; wrong: string }[] {
  const out: { question: string; gold: string; wrong: string }[] = [];
  items.forEach((item, i) => {
    if (out.length >= n) return;
    const other = items.slice(i + 1).find((o) => o.category === item.category && o.gold.toLowerCase() !== item.gold.toLowerCase());
    const question = runs.find((r) => r.question.conversationId === item.conversation && r.question.index === item.qa)?.question.question;
    if (other && question) out.push({ question, gold: item.gold, wrong: other.gold });
  });
  return out;
}

/** LLM-judge protocol of benchmarks.md §7 over categories 1–4 (category 5 excluded). */
export async function judgeLocomo(runs: readonly QuestionRun[], cfg: JudgeConfig): Promise<{ summary: JudgeSummary; items: JudgedQuestion[] }> {
  const eligible = runs.filter((r) => r.question.category >= 1 && r.question.category <= 4 && r.question.answer !== undefined);
  const items = await mapPool(eligible, cfg.concurrency, async (run) => {
    const memories = (run.memories ?? []).slice(0, cfg.contextK);
    const context = renderContext(memories);
    const t0 = performance.now();
    const answer = (await chatComplete(cfg, cfg.answerModel, answerMessages(run.question.question, context))).trim();
    const answerMs = performance.now() - t0;
    const gold = run.question.answer as string;
    const labels: (Label | 'UNPARSED')[] = [];
    for (let r = 0; r < cfg.runs; r++) labels.push(await judgeOnce(cfg, run.question.question, gold, answer));
    return {
      conversation: run.question.conversationId,
      qa: run.question.index,
      category: run.question.category,
      answer,
      gold,
      labels,
      f1: tokenF1(answer, gold),
      contextTokens: countTokens(context),
      answerMs,
    };
  });
  const sanity = sanityPairs(items, runs, cfg.sanityCases);
  const sanityLabels = await mapPool(sanity, cfg.concurrency, (s) => judgeOnce(cfg, s.question, s.gold, s.wrong));
  const perRun = accuracyPerRun(items, cfg.runs);
  const perCategory: JudgeSummary['per_category'] = {};
  for (const c of [1, 2, 3, 4]) {
    const mine = items.filter((q) => q.category === c);
    const acc = accuracyPerRun(mine, cfg.runs);
    perCategory[String(c)] = { n: mine.length, mean: mean(acc), std: std(acc) };
  }
  return {
    items,
    summary: {
      answer_prompt: ANSWER_PROMPT_ID,
      judge_prompt: JUDGE_PROMPT_ID,
      answer_model: cfg.answerModel,
      judge_model: cfg.judgeModel,
      runs: cfg.runs,
      context_k: cfg.contextK,
      questions: items.length,
      accuracy_per_run: perRun,
      accuracy_mean: mean(perRun),
      accuracy_std: std(perRun),
      per_category: perCategory,
      f1_mean: mean(items.map((q) => q.f1)),
      unparsed_labels: items.reduce((a, q) => a + q.labels.filter((l) => l === 'UNPARSED').length, 0),
      context_tokens_mean: mean(items.map((q) => q.contextTokens)),
      answer_latency_ms: distribution(items.map((q) => q.answerMs)),
      sanity: { cases: sanity.length, false_accept_rate: sanity.length ? sanityLabels.filter((l) => l === 'CORRECT').length / sanity.length : Number.NaN },
    },
  };
}
