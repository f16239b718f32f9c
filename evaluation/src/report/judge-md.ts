import type { JudgeSummary } from '../judge/run';
import { fmt, table } from './markdown';

export function judgeMarkdown(s: JudgeSummary): string {
  const rows = [
    ['1–4 overall', String(s.questions), `${fmt(s.accuracy_mean)} ± ${fmt(s.accuracy_std)}`],
    ...Object.entries(s.per_category).map(([c, v]) => [c, String(v.n), `${fmt(v.mean)} ± ${fmt(v.std)}`]),
  ];
  return [
    '## LLM judge (not LLM-free)',
    '',
    `Answer model \`${s.answer_model}\` (prompt ${s.answer_prompt}), judge \`${s.judge_model}\` (prompt ${s.judge_prompt}), ${s.runs} judge runs, top ${s.context_k} memories as context.`,
    '',
    table(['category', 'n', 'accuracy (mean ± std over runs)'], rows),
    '',
    `Token F1 ${fmt(s.f1_mean)}; context tokens/question ${fmt(s.context_tokens_mean, 0)}; answer latency p50 ${fmt(s.answer_latency_ms.p50, 0)} ms, p95 ${fmt(s.answer_latency_ms.p95, 0)} ms; unparsed labels ${s.unparsed_labels}.`,
    `Judge sanity: ${s.sanity.cases} known-wrong answers, false-accept rate ${fmt(s.sanity.false_accept_rate)}.`,
    'Cautions: answer-key error ceilings of about 90–96% per category (benchmarks.md §1.4); the generous judge accepts some wrong answers (see the sanity rate); category ids follow LoCoMo\'s code (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop).',
    '',
  ].join('\n');
}
