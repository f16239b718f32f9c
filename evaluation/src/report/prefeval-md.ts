import type { PrefevalReport } from '../prefeval/command';
import { HIT_KS } from '../prefeval/score';
import { fmt, table } from './markdown';

function rowsFor(r: PrefevalReport, topicFilter: (t: string) => boolean): string[][] {
  return r.groups
    .filter((g) => topicFilter(g.topic))
    .map((g) => {
      const m = (k: string) => fmt(g.metrics[k]);
      return [
        g.form,
        g.topic,
        String(g.pairs),
        String(g.n),
        ...HIT_KS.map((k) => m(`server.hit@${k}`)),
        m('server.mrr'),
        m('server.partial_hit@5'),
        m('server_pref_mem.hit@5'),
        ...HIT_KS.map((k) => m(`bm25.hit@${k}`)),
        m('bm25.mrr'),
      ];
    });
}

export function prefevalMarkdown(r: PrefevalReport): string {
  const header = ['form', 'topic', 'distractor pairs', 'n', ...HIT_KS.map((k) => `hit@${k}`), 'MRR', 'partial hit@5', 'pref_mem hit@5', ...HIT_KS.map((k) => `bm25 hit@${k}`), 'bm25 MRR'];
  const e = r.efficiency;
  return [
    `# PrefEval preference retrieval — ${r.name} (${r.date})`,
    '',
    `Data \`${r.data.dir}\` (${r.data.topics.length} topics; inter-turns sha256 \`${r.data.inter_turns_sha256}\`); harness commit \`${r.git.commit}\`${r.git.dirty ? ' (dirty)' : ''}.`,
    `Config: ${JSON.stringify(r.config)}.`,
    'hit@k / MRR are over the text_mem ranking; "pref_mem hit@5" looks at the preference bucket; persona-driven uses a weak label (any user message of the persona chat) and is reported apart by form.',
    '',
    '## Overall',
    '',
    table(header, rowsFor(r, (t) => t === 'all')),
    '',
    '## Per topic',
    '',
    table(header, rowsFor(r, (t) => t !== 'all')),
    '',
    '## Efficiency (wall clock)',
    '',
    `Search p50 ${fmt(e.search_latency_ms.p50, 1)} ms, p95 ${fmt(e.search_latency_ms.p95, 1)} ms, p99 ${fmt(e.search_latency_ms.p99, 1)} ms; ` +
      `returned tokens/query ${fmt(e.returned_tokens_per_query.mean, 0)}; ingest ${fmt(e.ingest_ms_per_100_messages, 0)} ms per 100 messages.`,
    '',
  ].join('\n');
}
