import { ValidationError } from '@engram/domain';

/** One dead letter as the scheduler lists it. */
export interface DeadLetterRecord {
  /** The dead letter's own position: `<dead-letter topic>/<partition>/<offset>`. */
  id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_key: string | null;
  consumer_group: string;
  error: string;
  attempts: number;
  dead_lettered_at: string;
  tenant_id?: string;
  /** For `engram.raw-input.v1`: whose extraction it was. */
  raw_input?: { tenant_id: string; task_id: string; cube_id: string; user_id: string };
  /** Set when the failed message was itself a replay of an earlier dead letter. */
  replay_of?: string;
  /** When this scheduler replayed it (a dead letter is replayed at most once). */
  replayed_at?: string;
  /** Why it cannot be replayed: its value is not a readable `DeadLetterEvent`. */
  decode_error?: string;
}

export interface ReplayRequest {
  ids?: string[];
  source_topic?: string;
}

export interface ReplayResult {
  replayed: Array<
    Pick<DeadLetterRecord, 'id' | 'source_topic' | 'source_partition' | 'source_offset'> & {
      /** Which replay of the original message this is (1 for the first). */
      replay: number;
      task_id?: string;
      /** Republished, but the task's `waiting` event was not (the mem-reader's events still follow). */
      warning?: string;
    }
  >;
  skipped: Array<{ id: string; reason: 'not_found' | 'already_replayed' | 'unreadable' | 'other_topic' }>;
  /** Publishing failed (this one and, not attempted, the rest): not recorded, replay them again later. */
  failed: Array<{ id: string; error: string }>;
}

/**
 * What the dead-letter routes (libs/api-rest, scheduler/) need; the scheduler service binds
 * `DeadLetterReplayer`.
 */
export interface DeadLetterApi {
  list(query: { source_topic?: string; limit: number }): { total: number; items: DeadLetterRecord[] };
  replay(request: ReplayRequest): Promise<ReplayResult>;
}

/** Replaying "everything" by accident is refused: name the dead letters or their source topic. */
export function assertReplayTarget(req: ReplayRequest): void {
  if (!req.ids?.length && !req.source_topic)
    throw new ValidationError('give ids (dead-letter ids) or source_topic (replay all of its dead letters)');
}
