import type { ChatMessage } from './openai';

/**
 * Pinned prompts. They follow the structure of MemOS's ANSWER_PROMPT_MEMOS and the Mem0-style
 * CORRECT/WRONG grader (benchmarks.md §4, §7) but are our own wording, so the ids below are
 * what a report cites. Change the text only together with the id.
 */
export const ANSWER_PROMPT_ID = 'engram-answer-v1';
export const JUDGE_PROMPT_ID = 'engram-judge-v1';

export function answerMessages(question: string, context: string): ChatMessage[] {
  const system = [
    'You are answering a question about a long conversation between two people, using only the memories below.',
    'Instructions:',
    '1. Read all memories carefully; each is prefixed with the time of the conversation it came from.',
    '2. If memories conflict, prefer the most recent one.',
    '3. Convert relative time expressions ("last year", "yesterday") into absolute dates using the memory timestamps.',
    '4. Ground the answer in the memories; use world knowledge only to interpret them.',
    '5. Do not confuse the two people; pay attention to who said or did what.',
    '6. Answer in at most 6 words.',
    '',
    'Memories:',
    context,
    '',
    `Question: ${question}`,
    'Answer:',
  ].join('\n');
  return [{ role: 'system', content: system }];
}

export function judgeMessages(question: string, gold: string, generated: string): ChatMessage[] {
  const user = [
    'Label a generated answer to a question as CORRECT or WRONG.',
    'The question is asked by one person about something the other person should know from their past conversations.',
    'The gold answer is short. The generated answer may be longer; be generous: if it refers to the same thing as the gold answer, it is CORRECT.',
    'For dates and times, it is CORRECT if it names the same day or period as the gold answer, in any format.',
    '',
    `Question: ${question}`,
    `Gold answer: ${gold}`,
    `Generated answer: ${generated}`,
    '',
    'First give a one-sentence reason, then finish with JSON {"label": "CORRECT"} or {"label": "WRONG"}. Never write both labels.',
  ].join('\n');
  return [{ role: 'user', content: user }];
}
