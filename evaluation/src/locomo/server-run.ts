import type { MemosClient, Mode } from '../client/memos-client';
import type { RetrievedMemory } from '../client/types';
import type { LocomoConversation, LocomoQuestion } from '../data/locomo';
import { countTokens } from '../metrics/tokens';
import type { Progress } from '../util/progress';
import { coverageCounts, type CoverageCounts } from './coverage';
import { ingestConversation, type IngestStats } from './ingest';
import type { QuestionRun } from './types';

export interface ServerRunOptions {
  topK: number;
  mode: Mode;
  dedup: 'no' | 'mmr';
  runId: string;
}

export interface ConversationResult {
  conversationId: string;
  cube: string;
  ingest: IngestStats;
  coverage: CoverageCounts;
  runs: QuestionRun[];
  /** Returned memories that cite at least one message id, over all returned memories. */
  returnedWithProvenance: number;
  returnedTotal: number;
  /** Largest raw result count seen (a server returning more than top_k is misbehaving). */
  maxReturned: number;
  /** Returned memories whose bucket names another cube (a namespace leak). */
  foreignCube: number;
  /** cl100k tokens of all stored memory texts (storage cost of the extractor). */
  storedTokens: number;
}

export function cubeFor(convId: string, runId: string): string {
  return `locomo-${convId}-${runId}`;
}

export function toRanked(memories: readonly RetrievedMemory[]): QuestionRun['ranked'] {
  return memories.map((m) => ({ sources: m.sources, tokens: countTokens(m.text) }));
}

/** Ingests one conversation into a fresh cube, reads back all memories, then asks every question. */
export async function runConversation(
  client: MemosClient,
  conv: LocomoConversation,
  questions: readonly LocomoQuestion[],
  opts: ServerRunOptions,
  bars: { ingest: Progress; query: Progress },
): Promise<ConversationResult> {
  const cube = cubeFor(conv.id, opts.runId);
  const ingest = await ingestConversation(client, conv, cube, opts.mode, bars.ingest);
  const stored = await client.getMemories(cube);
  const storedTokens = [...stored.text, ...stored.pref].reduce((a, m) => a + countTokens(m.text), 0);
  const coverage = coverageCounts(conv, questions.filter((q) => q.evidence.length > 0 && q.category !== 5), [...stored.text, ...stored.pref]);
  const runs: QuestionRun[] = [];
  let returnedWithProvenance = 0;
  let returnedTotal = 0;
  let maxReturned = 0;
  let foreignCube = 0;
  for (const question of questions) {
    const t0 = performance.now();
    const res = await client.search({ cube, query: question.question, topK: opts.topK, mode: opts.mode, dedup: opts.dedup });
    const latencyMs = performance.now() - t0;
    maxReturned = Math.max(maxReturned, res.text.length);
    foreignCube += [...res.text, ...res.pref].filter((m) => m.cubeId !== undefined && m.cubeId !== cube).length;
    // A server returning more than top_k must not gain from it.
    const memories = res.text.slice(0, opts.topK);
    returnedTotal += memories.length;
    returnedWithProvenance += memories.filter((m) => m.sources.length > 0).length;
    runs.push({ question, ranked: toRanked(memories), latencyMs, memories });
    bars.query.tick();
  }
  return { conversationId: conv.id, cube, ingest, coverage, runs, returnedWithProvenance, returnedTotal, maxReturned, foreignCube, storedTokens };
}
