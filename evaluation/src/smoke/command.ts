import type { CliOptions } from '../cli/args';
import type { MemosClient } from '../client/memos-client';
import { runLocomo } from '../locomo/command';
import type { LocomoReport } from '../locomo/report';
import { summarize } from '../locomo/summary';
import { check, failed, formatChecks, type Check } from './check';
import { metricInvariants, naiveRecompute } from './invariants';
import { metricSelfTest } from './self-test';
import { probeChecks, rejectsBadInput, resultChecks } from './server-checks';

export interface SmokeOutcome {
  ok: boolean;
  checks: Check[];
  report: LocomoReport;
  markdown: string;
  summary: string;
}

/** CI smoke: one conversation, a few questions; fails on wrong metrics or a misbehaving server. */
export async function runSmoke(opts: CliOptions, client: MemosClient): Promise<SmokeOutcome> {
  const checks: Check[] = [...metricSelfTest()];
  const out = await runLocomo(opts, client);
  const ev = out.evaluation;
  const cfg = out.report.scoring;
  const server = ev.server;
  if (!server) throw new Error('smoke: no server run');
  checks.push(...metricInvariants(server.scored, cfg, 'server'), ...metricInvariants(ev.bm25.scored, cfg, 'bm25'));
  checks.push(naiveRecompute(server.runs, server.scored, cfg, 'server'), naiveRecompute(ev.bm25.runs, ev.bm25.scored, cfg, 'bm25'));
  const oracleOk = ev.oracle.scored.every((r) => r.values[`turn.evidence_recall@${cfg.turnKs[cfg.turnKs.length - 1]}`] === 1);
  checks.push(check('oracle reaches evidence_recall 1', oracleOk, 'gold turns ranked first'));
  const again = JSON.stringify(summarize(server.scored, { resamples: opts.resamples, seed: opts.seed }));
  checks.push(check('summary repeats exactly', again === JSON.stringify(out.report.systems['server']), 'same seed, same numbers'));
  checks.push(check('questions were scored', server.scored.length > 0, `${server.scored.length} scored`));
  checks.push(...resultChecks(server.conversations, opts.topK));
  const first = server.conversations[0];
  const conv = out.selection[0]?.conversation;
  if (first && conv) {
    checks.push(...(await probeChecks(client, conv, first.cube, opts.topK, opts.mode)));
    checks.push(await rejectsBadInput(client, first.cube));
  }
  const bad = failed(checks);
  const summary = `${formatChecks(checks)}\n\nsmoke ${bad.length ? `FAILED (${bad.length} check${bad.length > 1 ? 's' : ''})` : 'passed'}`;
  return { ok: bad.length === 0, checks, report: out.report, markdown: `${out.markdown}\n## Smoke checks\n\n\`\`\`\n${formatChecks(checks)}\n\`\`\`\n`, summary };
}
