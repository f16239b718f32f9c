import type { LocomoReport } from '../locomo/report';
import { ADVERSARIAL_CATEGORY, PRIMARY_CATEGORIES, type SystemSummary } from '../locomo/summary';
import { RANK_METRICS } from '../metrics/retrieval';
import { TOKENIZER } from '../metrics/tokens';
import { fmt, fmtCi, table } from './markdown';

const CATEGORY_LABELS: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop', 5: 'adversarial' };

function levelTable(r: LocomoReport): string {
  const rows: string[][] = [];
  for (const [system, s] of Object.entries(r.systems)) {
    for (const [level, ks] of [['turn', r.scoring.turnKs], ['session', r.scoring.sessionKs]] as const) {
      for (const k of ks) {
        rows.push([system, level, String(k), ...RANK_METRICS.map((m) => fmtCi(s.overall.metrics[`${level}.${m}@${k}`]))]);
      }
    }
  }
  return table(['system', 'level', 'k', ...RANK_METRICS.map((m) => (m === 'mrr' ? 'MRR@k' : m === 'ndcg' ? 'NDCG@k' : m))], rows);
}

function categoryTable(r: LocomoReport): string {
  const ks = r.scoring.turnKs.filter((k) => k === 5 || k === 10);
  const rows: string[][] = [];
  for (const [system, s] of Object.entries(r.systems)) {
    const groups: [string, SystemSummary['overall']][] = [
      ...PRIMARY_CATEGORIES.map((c) => [`${c} ${CATEGORY_LABELS[c]}`, s.byCategory[String(c)]] as [string, SystemSummary['overall']]),
      ['1–4 overall', s.overall],
      [`${ADVERSARIAL_CATEGORY} ${CATEGORY_LABELS[ADVERSARIAL_CATEGORY]} (apart)`, s.adversarial],
    ];
    for (const [label, g] of groups) {
      const cells = ks.flatMap((k) => [fmt(g.metrics[`turn.recall_any@${k}`]?.mean), fmt(g.metrics[`turn.evidence_recall@${k}`]?.mean)]);
      rows.push([system, label, String(g.n), ...cells]);
    }
  }
  return table(['system', 'category', 'n', ...ks.flatMap((k) => [`recall_any@${k}`, `evidence_recall@${k}`])], rows);
}

function budgetTable(r: LocomoReport): string {
  const rows: string[][] = [];
  for (const [system, s] of Object.entries(r.systems)) {
    for (const b of r.scoring.budgets) {
      const m = (name: string) => s.overall.metrics[`budget.${name}@${b}`];
      rows.push([system, String(b), fmtCi(m('evidence_recall')), fmt(m('recall_any')?.mean), fmt(m('recall_all')?.mean), fmt(m('items')?.mean, 1)]);
    }
  }
  return table(['system', `budget (${TOKENIZER} tokens)`, 'evidence_recall', 'recall_any', 'recall_all', 'items kept'], rows);
}

function spreadTable(r: LocomoReport): string {
  const k = r.scoring.turnKs.includes(10) ? 10 : (r.scoring.turnKs[r.scoring.turnKs.length - 1] ?? 1);
  const convs = r.counts.conversations;
  const rows = Object.entries(r.systems).map(([system, s]) => [
    system,
    ...convs.map((c) => {
      const pc = s.perConversation[c];
      return pc ? `${fmt(pc.metrics[`turn.evidence_recall@${k}`])} (n=${pc.n})` : '—';
    }),
  ]);
  return `evidence_recall@${k} per conversation (categories 1–4):\n\n${table(['system', ...convs], rows)}`;
}

function coverageSection(r: LocomoReport): string {
  if (!r.coverage) return '';
  const c = r.coverage;
  const rows = [
    ['all', ...Object.values(c.rates).map((v) => fmt(v))],
    ...Object.entries(c.perConversation).map(([conv, rates]) => [conv, ...Object.values(rates).map((v) => fmt(v))]),
  ];
  return [
    '## Extraction coverage (stored memories, from get_memory)',
    '',
    table(['scope', ...Object.keys(c.rates)], rows),
    '',
    `Stored memories ${c.total.storedMemories}; cited ids that name no turn: ${c.total.unknownSourceIds}.`,
    '',
  ].join('\n');
}

function efficiencySection(r: LocomoReport): string {
  const rows: string[][] = [];
  const e = r.efficiency;
  const q = (name: string, x: typeof e.bm25) => [
    name,
    fmt(x.search_latency_ms.p50, 1),
    fmt(x.search_latency_ms.p95, 1),
    fmt(x.search_latency_ms.p99, 1),
    fmt(x.returned_tokens_per_query.mean, 0),
    fmt(x.returned_items_per_query, 1),
  ];
  if (e.server) rows.push(q('server', e.server));
  rows.push(q('bm25', e.bm25));
  const lines = ['## Efficiency (wall clock, varies between runs)', '', table(['system', 'search p50 ms', 'p95 ms', 'p99 ms', 'returned tokens/query', 'items/query'], rows), ''];
  if (e.server) {
    const s = e.server;
    lines.push(
      `Ingest: ${fmt(s.ingest_ms_per_100_turns, 0)} ms per 100 turns (${s.turns} turns, ${s.add_calls} add calls), ` +
        `scheduler wait ${fmt(s.wait_ms_total, 0)} ms (${s.wait_states.join(', ')}); ` +
        `memories per turn ${fmt(s.memories_per_turn, 3)} (${fmt(s.stored_tokens_per_turn, 1)} stored tokens per turn); returned memories with provenance ${fmt(s.returned_provenance_share)}.`,
      '',
    );
  }
  return lines.join('\n');
}

export function locomoMarkdown(r: LocomoReport, judgeMd = ''): string {
  const ex = r.exclusions.map((e) => `- ${e.conversation} qa#${e.qa} (cat ${e.category}): ${e.reason}${e.ids.length ? ` ${JSON.stringify(e.ids)}` : ''}`);
  return [
    `# LoCoMo retrieval — ${r.name} (${r.date})`,
    '',
    `Data \`${r.data.file}\` sha256 \`${r.data.sha256}\`; harness commit \`${r.git.commit}\`${r.git.dirty ? ' (dirty)' : ''}.`,
    `Conversations ${r.counts.conversations.join(', ')}; ${r.counts.questions} questions; scored ${r.counts.scored_primary} (categories 1–4) + ${r.counts.scored_adversarial} adversarial (category 5, apart).`,
    `Config: ${JSON.stringify(r.config)}.`,
    'Values are question means with 95% cluster-bootstrap intervals over conversations [lo, hi]. Categories are by numeric id; names are labels only.',
    '',
    '## Categories 1–4',
    '',
    levelTable(r),
    '',
    '## Per category (turn level)',
    '',
    categoryTable(r),
    '',
    '## Within a budget of returned tokens (turn level, rank order)',
    '',
    budgetTable(r),
    '',
    '## Spread',
    '',
    spreadTable(r),
    '',
    coverageSection(r),
    efficiencySection(r),
    judgeMd,
    '## Exclusions',
    '',
    ...(ex.length ? ex : ['- none']),
    '',
  ].join('\n');
}
