import type { ChatMessage } from '@engram/domain';

/** One add's fine-extraction work, handed to another process (the cluster's mem-reader). */
export interface ExtractionJob {
  tenant_id: string;
  task_id: string;
  user_id: string;
  session_id: string;
  ingest_key: string;
  mode: 'fast' | 'fine';
  messages: ChatMessage[];
  custom_tags: string[];
  info: Record<string, unknown>;
  /** The raw memories written pending (`extract:pending`), with their cube. */
  raw: { memory_id: string; cube_id: string }[];
}

/**
 * Where async fine extraction goes when it does not run in this process. `dispatch` resolves once the
 * job is durable (e.g. acknowledged by Kafka); the raw memories are already stored pending, so a
 * failed dispatch fails the add and a retry re-dispatches (outbox: write pending, publish, then ack).
 */
export interface ExtractionDispatcher {
  dispatch(job: ExtractionJob): Promise<void>;
}
