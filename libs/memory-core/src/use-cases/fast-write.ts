import {
  assertJsonDepth,
  contentHash,
  deterministicId,
  FILTERABLE_FIELDS,
  ValidationError,
  type ChatMessage,
  type MemoryItem,
} from '@engram/domain';
import type { MemoryRecordStore } from '@engram/ports';
import { checkNormalizedMessages, normalizeMessages, type WindowOptions } from '@engram/reader';
import { toAddedMemory, type AddCommand, type AddedMemory, type AddResult } from '../commands';
import { fastMemoriesFor, layoutFastMemories } from '../fast-memories';
import { TAG_EXTRACT_PENDING } from '../fine-pipeline';
import type { Indexer } from '../indexer';
import type { KeyedMutex } from '../keyed-mutex';
import type { TaskStatus } from '../task-tracker';

/** Memories per index write of one add (see writeNew). */
const WRITE_SLICE = 32;

/** An add validated, with its messages normalised and its idempotency resolved. */
export interface PreparedAdd {
  cmd: AddCommand;
  info: Record<string, unknown>;
  messages: ChatMessage[];
  customTags: string[];
  /** The idempotency key, or a hash of what the add stores: the same add gets the same ids. */
  ingestKey: string;
  /** The task's identity, shared by every state this add's task goes through. */
  task: { task_id: string; tenant_id: string; user_id: string; cube_ids: string[] };
  now: string;
}

/** What the fast write stored for an add. */
export interface WrittenAdd extends PreparedAdd {
  /** Stored (or already there), in cube order; tombstoned ids left out. */
  memories: AddedMemory[];
  /** How many were written now (0 on a replay). */
  written: number;
  /** Ids deleted since an earlier add of these messages: deletes are final, they are not written again. */
  refused: string[];
}

/** The add's answer with the fast write's memories. */
export function fastAnswer(add: WrittenAdd, status: TaskStatus): AddResult {
  return {
    memories: add.memories,
    task_id: add.task.task_id,
    task_status: status,
    replayed: add.written === 0 && add.memories.length > 0,
    ...(add.refused.length ? { refused_ids: add.refused } : {}),
  };
}

/**
 * The fast write: raw memories (token windows, images, file chunks) stored and indexed per cube,
 * without an LLM. Idempotent: memory ids derive from the idempotency key or the content, and the task
 * id from the ingest key, so a retried add writes nothing and answers with the same ids.
 */
export class FastWrite {
  constructor(
    private readonly deps: {
      records: MemoryRecordStore;
      indexer: Indexer;
      window: WindowOptions;
      clock: () => Date;
      cubeLocks: KeyedMutex;
    },
  ) {}

  /** Validates the add (400s, before anything is recorded) and resolves its ids. */
  prepare(cmd: AddCommand): PreparedAdd {
    if (!cmd.cube_ids.length) throw new ValidationError('writable_cube_ids must name at least one cube');
    const info = cmd.info ?? {};
    assertJsonDepth(info, 'info');
    for (const k of Object.keys(info)) {
      if (FILTERABLE_FIELDS.has(k))
        throw new ValidationError(`info.${k} collides with a memory field; rename it`);
    }
    const messages = cmd.normalized_messages
      ? checkNormalizedMessages(cmd.normalized_messages)
      : normalizeMessages(cmd.messages, cmd.idempotency_key ?? contentHash(cmd.messages));
    const customTags = cmd.custom_tags ?? [];
    const ingestKey =
      cmd.idempotency_key ??
      contentHash({ u: cmd.user_id, s: cmd.session_id, m: messages, t: customTags, i: info });
    const taskId = cmd.task_id ?? deterministicId(cmd.tenant_id, 'task', ingestKey);
    return {
      cmd,
      info,
      messages,
      customTags,
      ingestKey,
      task: { task_id: taskId, tenant_id: cmd.tenant_id, user_id: cmd.user_id, cube_ids: cmd.cube_ids },
      now: this.deps.clock().toISOString(),
    };
  }

  /** Stores the add's raw memories in each cube; `pendingExtraction` tags them for the extractor (the outbox record). */
  async write(add: PreparedAdd, pendingExtraction: boolean): Promise<WrittenAdd> {
    const { cmd } = add;
    const memories: AddedMemory[] = [];
    let written = 0;
    const refused: string[] = [];
    // tokenised once for the add, whatever the number of cubes
    const layout = await layoutFastMemories(add.messages, this.deps.window);
    for (const cube of cmd.cube_ids) {
      const items = fastMemoriesFor(layout, add.messages, {
        tenant_id: cmd.tenant_id,
        cube_id: cube,
        user_id: cmd.user_id,
        session_id: cmd.session_id,
        ...(cmd.idempotency_key ? { idempotency_key: cmd.idempotency_key } : {}),
        ingest_key: add.ingestKey,
        task_id: add.task.task_id,
        custom_tags: add.customTags,
        info: add.info,
        now: add.now,
      });
      if (pendingExtraction)
        for (const it of items) if (it.tags.includes('mode:fast')) it.tags.push(TAG_EXTRACT_PENDING);
      const stored = await this.deps.cubeLocks.run(`${cmd.tenant_id}\u0000${cube}`, () =>
        this.writeNew(items),
      );
      written += stored.written;
      refused.push(...stored.refused);
      memories.push(...stored.items.map(toAddedMemory));
    }
    return { ...add, memories, written, refused };
  }

  /**
   * Writes only the memories not already stored: a retried add is a no-op that returns the same ids.
   * Ids deleted since (tombstoned) are refused, not written again, and returned apart.
   */
  private async writeNew(
    items: MemoryItem[],
  ): Promise<{ items: MemoryItem[]; written: number; refused: string[] }> {
    const existing = new Map(
      (await this.deps.records.getByIds(items.map((i) => i.id))).map((m) => [m.id, m]),
    );
    const fresh = items.filter((i) => !existing.has(i.id));
    const refused: string[] = [];
    // a large add is written in slices, yielding between them, so the synchronous index work (FTS5,
    // HNSW) of hundreds of windows never holds the event loop long enough to stall other requests
    for (let i = 0; i < fresh.length; i += WRITE_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      refused.push(...(await this.deps.indexer.write(fresh.slice(i, i + WRITE_SLICE))).refused);
    }
    const gone = new Set(refused);
    return {
      items: items.filter((i) => !gone.has(i.id)).map((i) => existing.get(i.id) ?? i),
      written: fresh.length - refused.length,
      refused,
    };
  }
}
