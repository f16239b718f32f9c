import type { LocomoConversation, LocomoQuestion } from './locomo';

/** `--conversations conv-26,conv-30` (ids) or `--conversations 2` (the first two). */
export function selectConversations(all: readonly LocomoConversation[], spec: string | undefined): LocomoConversation[] {
  if (!spec) return all.slice();
  if (/^\d+$/.test(spec)) return all.slice(0, Number(spec));
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const missing = wanted.filter((id) => !all.some((c) => c.id === id));
  if (missing.length) throw new Error(`unknown conversation(s): ${missing.join(', ')}`);
  return all.filter((c) => wanted.includes(c.id));
}

/**
 * At most `limit` questions, taken round-robin over categories in file order, so a small
 * limit still covers every category. Deterministic: no randomness involved.
 */
export function selectQuestions(questions: readonly LocomoQuestion[], limit: number | undefined): LocomoQuestion[] {
  if (limit === undefined || limit >= questions.length) return questions.slice();
  const byCat = new Map<number, LocomoQuestion[]>();
  for (const q of questions) byCat.set(q.category, [...(byCat.get(q.category) ?? []), q]);
  const queues = [...byCat.keys()].sort((a, b) => a - b).map((c) => byCat.get(c) as LocomoQuestion[]);
  const picked: LocomoQuestion[] = [];
  for (let round = 0; picked.length < limit; round++) {
    for (const q of queues) {
      const item = q[round];
      if (item && picked.length < limit) picked.push(item);
    }
  }
  return picked.sort((a, b) => a.index - b.index);
}
