import type { MemosClient, Mode } from '../client/memos-client';
import type { ChatTurn } from '../client/types';
import type { LocomoConversation, LocomoSession } from '../data/locomo';
import type { Progress } from '../util/progress';

export interface IngestStats {
  addCalls: number;
  turns: number;
  addMs: number;
  waitMs: number;
  waitState: string;
  memoriesReturnedByAdd: number;
}

/** Each turn is a user message citing its dia_id; the speaker is kept in the content. */
export function sessionMessages(session: LocomoSession): ChatTurn[] {
  return session.turns.map((t) => ({ role: 'user', content: t.content, chat_time: t.chatTime, message_id: t.diaId }));
}

/** One add call per session (as MemOS's LoCoMo script does), then wait for background work. */
export async function ingestConversation(client: MemosClient, conv: LocomoConversation, cube: string, mode: Mode, bar: Progress): Promise<IngestStats> {
  const stats: IngestStats = { addCalls: 0, turns: 0, addMs: 0, waitMs: 0, waitState: 'idle', memoriesReturnedByAdd: 0 };
  for (const session of conv.sessions) {
    const messages = sessionMessages(session);
    const t0 = performance.now();
    const added = await client.add({ cube, sessionId: `${conv.id}-session-${session.index}`, mode, messages });
    stats.addMs += performance.now() - t0;
    stats.addCalls += 1;
    stats.turns += messages.length;
    stats.memoriesReturnedByAdd += added.length;
    bar.tick(messages.length);
  }
  const t1 = performance.now();
  stats.waitState = (await client.waitIdle(cube)).state;
  stats.waitMs = performance.now() - t1;
  return stats;
}
