/**
 * Kafka topics. The version is part of the name: an additive change (a new optional field) keeps the
 * topic, a breaking one gets a new topic (`….v2`) so old and new consumers can run side by side.
 */
export const TOPICS = {
  /** Ingestion → mem-reader: an add's validated messages after the fast write. */
  rawInput: 'engram.raw-input.v1',
  /** Mem-reader → lifecycle: memories extracted from raw input, not yet judged against neighbours. */
  candidates: 'engram.candidates.v1',
  /** Every change to a stored memory, for derived indexes and caches. */
  memoryChanges: 'engram.memory-changes.v1',
  /** Task lifecycle (waiting → in_progress → completed / failed) for the scheduler status API. */
  taskEvents: 'engram.task-events.v1',
  /** Messages a consumer could not process after its retries, with the reason. */
  deadLetter: 'engram.dead-letter.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

export function isTopic(name: string): name is Topic {
  return (ALL_TOPICS as readonly string[]).includes(name);
}
