import { deterministicId } from '@engram/domain';
import { encodeEvent, TOPICS, type RawInputEvent } from '@engram/contracts';
import type { ExtractionDispatcher, ExtractionJob } from '@engram/memory-core';
import type { MessageBus } from '@engram/ports';
import { publishTask } from '@engram/scheduler';

/**
 * Async fine extraction in the cluster: one raw-input event per cube (keyed tenant:cube, so a cube's
 * inputs are read in order), after a `waiting` task event. The add is acknowledged only after Kafka
 * acknowledged both; the raw memories were written pending before, so a crash in between leaves them
 * searchable and the retried add publishes again (event ids are deterministic: consumers can dedupe).
 */
export class BusExtractionDispatcher implements ExtractionDispatcher {
  constructor(private readonly bus: MessageBus) {}

  async dispatch(job: ExtractionJob): Promise<void> {
    const cubes = [...new Set(job.raw.map((r) => r.cube_id))];
    await publishTask(this.bus, {
      task_id: job.task_id,
      tenant_id: job.tenant_id,
      user_id: job.user_id,
      cube_ids: cubes,
      label: 'mem_read',
      status: 'waiting',
      detail: { raw: job.raw.length },
    });
    const events = cubes.map((cube) => {
      const raw = job.raw.filter((r) => r.cube_id === cube).map((r) => r.memory_id);
      const event: RawInputEvent = {
        schema_version: 1,
        event_id: deterministicId(job.tenant_id, 'raw-input', `${job.task_id}:${cube}:${raw.join(',')}`),
        tenant_id: job.tenant_id,
        occurred_at: new Date().toISOString(),
        cube_id: cube,
        user_id: job.user_id,
        session_id: job.session_id,
        task_id: job.task_id,
        ingest_key: job.ingest_key,
        mode: job.mode,
        messages: job.messages,
        custom_tags: job.custom_tags,
        info: job.info,
        raw_memory_ids: raw,
      };
      return encodeEvent(TOPICS.rawInput, event);
    });
    await this.bus.publish(TOPICS.rawInput, events);
  }
}
