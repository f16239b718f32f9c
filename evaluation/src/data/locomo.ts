import { readFileSync } from 'node:fs';
import { resolveEvidence } from './evidence';
import { parseLocomoDate } from './locomo-date';
import { rawLocomoSchema, rawTurnSchema, type RawSample, type RawTurn } from './locomo-schema';

export interface LocomoTurn {
  diaId: string;
  session: number;
  speaker: string;
  /** What is ingested and what BM25 indexes: `<speaker>: <text>` plus the image caption. */
  content: string;
  /** ISO time: session start plus i seconds for the i-th turn, so order survives. */
  chatTime: string;
}

export interface LocomoSession {
  index: number;
  dateTime: string;
  turns: LocomoTurn[];
}

export interface LocomoQuestion {
  conversationId: string;
  /** Position in the sample's `qa` list (qa#n in benchmarks.md). */
  index: number;
  question: string;
  answer: string | undefined;
  category: number;
  evidence: string[];
  droppedEvidence: string[];
}

export interface LocomoConversation {
  id: string;
  speakerA: string;
  speakerB: string;
  sessions: LocomoSession[];
  turns: LocomoTurn[];
  questions: LocomoQuestion[];
}

export function renderTurn(t: RawTurn): string {
  return t.blip_caption ? `${t.speaker}: ${t.text} [shares ${t.blip_caption}]` : `${t.speaker}: ${t.text}`;
}

function sessionsOf(sample: RawSample): LocomoSession[] {
  const conv = sample.conversation;
  // Iterate over session arrays, not date keys: conv-26 has date keys without sessions.
  const numbers = Object.keys(conv)
    .map((k) => /^session_(\d+)$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return numbers.map((n) => {
    const dateTime = String(conv[`session_${n}_date_time`] ?? '');
    const start = parseLocomoDate(dateTime).getTime();
    const raw = rawTurnSchema.array().parse(conv[`session_${n}`]);
    const turns = raw.map((t, i) => ({
      diaId: t.dia_id,
      session: n,
      speaker: t.speaker,
      content: renderTurn(t),
      chatTime: new Date(start + i * 1000).toISOString(),
    }));
    return { index: n, dateTime, turns };
  });
}

export function toConversation(sample: RawSample): LocomoConversation {
  const sessions = sessionsOf(sample);
  const turns = sessions.flatMap((s) => s.turns);
  const known = new Set(turns.map((t) => t.diaId));
  const questions = sample.qa.map((qa, index) => {
    const { ids, dropped } = resolveEvidence(qa.evidence, known);
    return {
      conversationId: sample.sample_id,
      index,
      question: qa.question,
      answer: qa.answer === undefined ? undefined : String(qa.answer),
      category: qa.category,
      evidence: ids,
      droppedEvidence: dropped,
    };
  });
  return {
    id: sample.sample_id,
    speakerA: String(sample.conversation['speaker_a'] ?? ''),
    speakerB: String(sample.conversation['speaker_b'] ?? ''),
    sessions,
    turns,
    questions,
  };
}

export function parseLocomo(json: unknown): LocomoConversation[] {
  return rawLocomoSchema.parse(json).map(toConversation);
}

export function loadLocomo(file: string): LocomoConversation[] {
  return parseLocomo(JSON.parse(readFileSync(file, 'utf8')));
}
