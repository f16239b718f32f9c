import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export type PrefForm = 'explicit' | 'choice' | 'persona';
export const PREF_FORMS: readonly PrefForm[] = ['explicit', 'choice', 'persona'];

const FORM_DIRS: Record<PrefForm, string> = {
  explicit: 'explicit_preference',
  choice: join('implicit_preference', 'choice-based'),
  persona: join('implicit_preference', 'persona-driven'),
};

const baseSchema = z.object({ preference: z.string(), question: z.string() });
const choiceSchema = baseSchema.extend({
  conversation: z.object({ query: z.string(), assistant_options: z.string(), user_selection: z.string(), assistant_acknowledgment: z.string() }),
});
const personaSchema = baseSchema.extend({
  conversation: z.record(z.object({ user: z.string(), assistant: z.string() })),
});
const interTurnsSchema = z.array(z.object({ conversation: z.array(z.object({ role: z.string(), content: z.string() })) }));

export interface PrefMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
}

/** One preference/question pair in one form, with its gold evidence message ids (benchmarks.md §6.4). */
export interface PrefItem {
  form: PrefForm;
  topic: string;
  index: number;
  question: string;
  messages: PrefMessage[];
  gold: string[];
  /** Choice-based only: all four messages of the exchange, for partial credit. */
  partial: string[];
}

export function topics(dir: string): string[] {
  return readdirSync(join(dir, FORM_DIRS.explicit))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function buildItem(form: PrefForm, topic: string, index: number, raw: unknown): PrefItem {
  const id = (j: number) => `pe-${form}-${topic}-${index}-${j}`;
  if (form === 'explicit') {
    const r = baseSchema.parse(raw);
    return { form, topic, index, question: r.question, messages: [{ id: id(0), role: 'user', content: r.preference }], gold: [id(0)], partial: [] };
  }
  if (form === 'choice') {
    const c = choiceSchema.parse(raw);
    const messages: PrefMessage[] = [
      { id: id(0), role: 'user', content: c.conversation.query },
      { id: id(1), role: 'assistant', content: c.conversation.assistant_options },
      { id: id(2), role: 'user', content: c.conversation.user_selection },
      { id: id(3), role: 'assistant', content: c.conversation.assistant_acknowledgment },
    ];
    return { form, topic, index, question: c.question, messages, gold: [id(2)], partial: messages.map((m) => m.id) };
  }
  const p = personaSchema.parse(raw);
  const turns = Object.entries(p.conversation).sort(([a], [b]) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
  const messages: PrefMessage[] = turns.flatMap(([, t], i) => [
    { id: id(2 * i), role: 'user' as const, content: t.user },
    { id: id(2 * i + 1), role: 'assistant' as const, content: t.assistant },
  ]);
  // Weak label: any user message of the persona conversation (reported apart).
  return { form, topic, index, question: p.question, messages, gold: messages.filter((m) => m.role === 'user').map((m) => m.id), partial: [] };
}

export function loadForm(dir: string, form: PrefForm, topic: string): unknown[] {
  return z.array(z.unknown()).parse(readJson(join(dir, FORM_DIRS[form], `${topic}.json`)));
}

/** The distractor chats flattened in file order; each message gets a stable id. */
export function loadInterTurns(dir: string): PrefMessage[] {
  const chats = interTurnsSchema.parse(readJson(join(dir, 'filtered_inter_turns.json')));
  return chats
    .flatMap((c) => c.conversation)
    .map((m, j) => ({ id: `inter-${j}`, role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content }));
}
