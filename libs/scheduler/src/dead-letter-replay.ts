import { TOPICS } from '@engram/contracts';
import type { MessageBus } from '@engram/ports';
import {
  assertReplayTarget,
  type DeadLetterApi,
  type ReplayRequest,
  type ReplayResult,
} from './dead-letters';
import { REPLAY_HEADERS, type DeadLetterEntry, type DeadLetterView } from './dead-letter-view';
import { publishTask } from './task-events';

type Skip = ReplayResult['skipped'][number];

/**
 * Replays dead letters: republishes the original key and value to the source topic, at most once per
 * dead letter (recorded in the view; a replay that fails again is a new dead letter, replayable in
 * turn). A replayed raw-input event also moves its task off `failed`: a `waiting` task event with
 * `detail.replay` = n starts run n of the cube (TaskStateFolder), and the mem-reader reports that run
 * from the message's `engram-replay` header.
 */
export class DeadLetterReplayer implements DeadLetterApi {
  /** Dead letters being republished now: a concurrent request must not replay them too. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly bus: MessageBus,
    private readonly view: DeadLetterView,
  ) {}

  list(query: { source_topic?: string; limit: number }) {
    return this.view.list(query);
  }

  async replay(req: ReplayRequest): Promise<ReplayResult> {
    assertReplayTarget(req);
    const skipped: Skip[] = [];
    const chosen: DeadLetterEntry[] = [];
    const targets: Array<[string, DeadLetterEntry | undefined]> = req.ids
      ? [...new Set(req.ids)].map((id) => [id, this.view.get(id)])
      : this.view.select(req.source_topic).map((e) => [e.record.id, e]);
    for (const [id, e] of targets) {
      const reason = !e
        ? 'not_found'
        : req.source_topic && e.record.source_topic !== req.source_topic
          ? 'other_topic'
          : e.record.replayed_at || this.inFlight.has(id)
            ? 'already_replayed'
            : !e.original
              ? 'unreadable'
              : undefined;
      if (reason) skipped.push({ id, reason });
      else chosen.push(e!);
    }
    // in source order, so a cube's inputs reach the mem-reader in the order they were first published
    chosen.sort(
      (a, b) =>
        a.record.source_topic.localeCompare(b.record.source_topic) ||
        a.record.source_partition - b.record.source_partition ||
        Number(BigInt(a.record.source_offset) - BigInt(b.record.source_offset)),
    );
    for (const e of chosen) this.inFlight.add(e.record.id);
    const result: ReplayResult = { replayed: [], skipped, failed: [] };
    try {
      for (const [i, e] of chosen.entries()) {
        try {
          result.replayed.push(await this.replayOne(e));
        } catch (err) {
          // the bus is failing: report this one and leave the rest for a later request
          result.failed.push(
            { id: e.record.id, error: (err as Error).message },
            ...chosen
              .slice(i + 1)
              .map((r) => ({ id: r.record.id, error: 'not attempted: an earlier replay failed' })),
          );
          break;
        }
      }
    } finally {
      for (const e of chosen) this.inFlight.delete(e.record.id);
    }
    return result;
  }

  private async replayOne(e: DeadLetterEntry): Promise<ReplayResult['replayed'][number]> {
    const { record, original } = e;
    const replay = e.replays + 1;
    await this.bus.publish(record.source_topic, [
      {
        key: original!.key,
        value: original!.value,
        headers: {
          ...original!.headers,
          [REPLAY_HEADERS.count]: String(replay),
          [REPLAY_HEADERS.of]: record.id,
        },
      },
    ]);
    record.replayed_at = new Date().toISOString();
    const raw = record.source_topic === TOPICS.rawInput ? record.raw_input : undefined;
    const out = {
      id: record.id,
      source_topic: record.source_topic,
      source_partition: record.source_partition,
      source_offset: record.source_offset,
      replay,
      ...(raw ? { task_id: raw.task_id } : {}),
    };
    if (!raw) return out;
    try {
      await publishTask(this.bus, {
        task_id: raw.task_id,
        tenant_id: raw.tenant_id,
        user_id: raw.user_id,
        cube_ids: [raw.cube_id],
        label: 'mem_read',
        status: 'waiting',
        detail: { replay, replay_of: record.id },
      });
    } catch (err) {
      // the input is out again: the mem-reader's own events (same run) will move the task
      return { ...out, warning: `task event not published: ${(err as Error).message}` };
    }
    return out;
  }
}
