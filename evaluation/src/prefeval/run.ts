import { Bm25Index } from '../baseline/bm25';
import type { MemosClient, Mode } from '../client/memos-client';
import type { ChatTurn } from '../client/types';
import type { PrefItem, PrefMessage } from '../data/prefeval';
import { countTokens } from '../metrics/tokens';
import type { PrefCase } from './types';

/** Distractor messages per add call (MemOS's script sends 2; fewer calls keep full runs practical). */
export const DISTRACTOR_BATCH = 20;
const BASE_TIME = Date.UTC(2024, 0, 1);

export interface PrefRunOptions {
  topK: number;
  mode: Mode;
  dedup: 'no' | 'mmr';
  runId: string;
}

function toTurns(messages: readonly PrefMessage[], offset: number): ChatTurn[] {
  return messages.map((m, i) => ({ role: m.role, content: m.content, message_id: m.id, chat_time: new Date(BASE_TIME + (offset + i) * 1000).toISOString() }));
}

/** Preference first, then the first 2 × pairs distractor messages, then the question (benchmarks.md §6.4). */
export async function runCase(client: MemosClient, item: PrefItem, pairs: number, inter: readonly PrefMessage[], opts: PrefRunOptions): Promise<PrefCase> {
  const cube = `prefeval-${item.form}-${item.topic}-${item.index}-n${pairs}-${opts.runId}`;
  const distractors = inter.slice(0, 2 * pairs);
  const t0 = performance.now();
  await client.add({ cube, sessionId: `${cube}-pref`, mode: opts.mode, messages: toTurns(item.messages, 0) });
  for (let i = 0; i < distractors.length; i += DISTRACTOR_BATCH) {
    const batch = distractors.slice(i, i + DISTRACTOR_BATCH);
    await client.add({ cube, sessionId: `${cube}-inter`, mode: opts.mode, messages: toTurns(batch, item.messages.length + i) });
  }
  const ingestMs = performance.now() - t0;
  await client.waitIdle(cube);
  const t1 = performance.now();
  const res = await client.search({ cube, query: item.question, topK: opts.topK, mode: opts.mode, dedup: opts.dedup });
  const latencyMs = performance.now() - t1;
  const text = res.text.slice(0, opts.topK);
  const docs = [...item.messages, ...distractors];
  const bm25 = new Bm25Index(docs.map((d) => d.content)).search(item.question, opts.topK).map((h) => [docs[h.index]?.id ?? '']);
  return {
    item,
    pairs,
    text: text.map((m) => m.sources),
    pref: res.pref.slice(0, opts.topK).map((m) => m.sources),
    bm25,
    returnedTokens: text.reduce((a, m) => a + countTokens(m.text), 0),
    latencyMs,
    ingestMs,
    messages: docs.length,
  };
}
