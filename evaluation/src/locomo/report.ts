import type { LocomoQuestion } from '../data/locomo';
import type { GitInfo } from '../report/provenance';
import { coverageRates, sumCoverage, type CoverageCounts, type CoverageRates } from './coverage';
import { ingestEfficiency, queryEfficiency, type IngestEfficiency, type QueryEfficiency } from './efficiency';
import type { LocomoEvaluation, Selection } from './evaluate';
import { summarize, type SystemSummary } from './summary';
import type { ScoringConfig } from './types';

export interface Exclusion {
  conversation: string;
  qa: number;
  category: number;
  reason: 'no resolvable evidence' | 'evidence id names no turn';
  ids: string[];
}

export interface LocomoReport {
  benchmark: 'locomo';
  name: string;
  date: string;
  config: Record<string, unknown>;
  data: { file: string; sha256: string };
  git: GitInfo;
  counts: { conversations: string[]; questions: number; scored_primary: number; scored_adversarial: number };
  exclusions: Exclusion[];
  scoring: ScoringConfig;
  systems: Record<string, SystemSummary>;
  coverage: { total: CoverageCounts; rates: CoverageRates; perConversation: Record<string, CoverageRates> } | undefined;
  /** Wall-clock numbers: the only section expected to differ between two identical runs. */
  efficiency: { server: (IngestEfficiency & QueryEfficiency) | undefined; bm25: QueryEfficiency };
  judge: unknown;
}

export function exclusionsOf(questions: readonly LocomoQuestion[]): Exclusion[] {
  const out: Exclusion[] = [];
  for (const q of questions) {
    if (q.evidence.length === 0) {
      out.push({ conversation: q.conversationId, qa: q.index, category: q.category, reason: 'no resolvable evidence', ids: q.droppedEvidence });
    } else if (q.droppedEvidence.length > 0) {
      out.push({ conversation: q.conversationId, qa: q.index, category: q.category, reason: 'evidence id names no turn', ids: q.droppedEvidence });
    }
  }
  return out;
}

export interface ReportMeta {
  name: string;
  date: string;
  config: Record<string, unknown>;
  data: { file: string; sha256: string };
  git: GitInfo;
  bootstrap: { resamples: number; seed: number };
  scoring: ScoringConfig;
}

export function buildLocomoReport(selection: readonly Selection[], ev: LocomoEvaluation, meta: ReportMeta): LocomoReport {
  const questions = selection.flatMap((s) => s.questions);
  const systems: Record<string, SystemSummary> = {};
  if (ev.server) systems['server'] = summarize(ev.server.scored, meta.bootstrap);
  systems['bm25'] = summarize(ev.bm25.scored, meta.bootstrap);
  systems['oracle'] = summarize(ev.oracle.scored, meta.bootstrap);
  const scoredPrimary = ev.bm25.scored.filter((r) => r.category >= 1 && r.category <= 4).length;
  let coverage: LocomoReport['coverage'];
  if (ev.server) {
    const perConversation: Record<string, CoverageRates> = {};
    for (const c of ev.server.conversations) perConversation[c.conversationId] = coverageRates(c.coverage);
    const total = sumCoverage(ev.server.conversations.map((c) => c.coverage));
    coverage = { total, rates: coverageRates(total), perConversation };
  }
  return {
    benchmark: 'locomo',
    name: meta.name,
    date: meta.date,
    config: meta.config,
    data: meta.data,
    git: meta.git,
    counts: {
      conversations: selection.map((s) => s.conversation.id),
      questions: questions.length,
      scored_primary: scoredPrimary,
      scored_adversarial: ev.bm25.scored.filter((r) => r.category === 5).length,
    },
    exclusions: exclusionsOf(questions),
    scoring: meta.scoring,
    systems,
    coverage,
    efficiency: {
      server: ev.server ? { ...ingestEfficiency(ev.server.conversations), ...queryEfficiency(ev.server.runs) } : undefined,
      bm25: queryEfficiency(ev.bm25.runs),
    },
    judge: undefined,
  };
}
