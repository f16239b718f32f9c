import type { MemosClient, Mode } from '../client/memos-client';
import type { LocomoConversation, LocomoQuestion } from '../data/locomo';
import { progress } from '../util/progress';
import { runBm25, runOracle } from './bm25-run';
import { isScorable, scoreQuestion } from './score';
import { runConversation, type ConversationResult } from './server-run';
import type { QuestionRun, ScoredQuestion, ScoringConfig } from './types';

export interface Selection {
  conversation: LocomoConversation;
  questions: LocomoQuestion[];
}

export interface SystemRuns {
  runs: QuestionRun[];
  scored: ScoredQuestion[];
}

export interface LocomoEvaluation {
  server: (SystemRuns & { conversations: ConversationResult[] }) | undefined;
  bm25: SystemRuns;
  oracle: SystemRuns;
}

export interface EvaluateOptions {
  topK: number;
  mode: Mode;
  dedup: 'no' | 'mmr';
  runId: string;
  scoring: ScoringConfig;
}

function score(runs: QuestionRun[], cfg: ScoringConfig): SystemRuns {
  return { runs, scored: runs.filter(isScorable).map((r) => scoreQuestion(r, cfg)) };
}

/** Runs the reference rows and, with a client, the server; then scores all of them alike. */
export async function evaluateLocomo(selection: readonly Selection[], client: MemosClient | undefined, opts: EvaluateOptions): Promise<LocomoEvaluation> {
  const bm25 = score(selection.flatMap((s) => runBm25(s.conversation, s.questions, opts.topK)), opts.scoring);
  const oracle = score(selection.flatMap((s) => runOracle(s.conversation, s.questions)), opts.scoring);
  if (!client) return { server: undefined, bm25, oracle };
  const turns = selection.reduce((a, s) => a + s.conversation.turns.length, 0);
  const questions = selection.reduce((a, s) => a + s.questions.length, 0);
  const conversations: ConversationResult[] = [];
  // One bar over ingested turns plus asked questions: two bars would fight over one line.
  const bar = progress('locomo turns+questions', turns + questions);
  for (const s of selection) conversations.push(await runConversation(client, s.conversation, s.questions, opts, { ingest: bar, query: bar }));
  bar.done();
  return { server: { ...score(conversations.flatMap((c) => c.runs), opts.scoring), conversations }, bm25, oracle };
}
