import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicId, UnavailableError, ValidationError } from '@engram/domain';
import { HashingEmbedder } from '@engram/embedding';
import { openEmbeddedStores, type EmbeddedStores } from '@engram/storage-embedded';
import type { AddCommand } from '../commands';
import type { ExtractionDispatcher, ExtractionJob } from '../extraction-dispatch';
import type { WindowExtraction, WindowExtractor } from '../fine-pipeline';
import { MemoryService, type MemoryServiceDeps } from '../memory-service';
import { TaskTracker, type TaskRecord } from '../task-tracker';

/** Answers every window with one fine memory, or throws `fail` when set. */
class ScriptedExtractor implements WindowExtractor {
  calls = 0;
  fail: Error | null = null;
  memories = 1;
  async extract(): Promise<WindowExtraction> {
    this.calls++;
    if (this.fail) throw this.fail;
    return {
      memories: Array.from({ length: this.memories }, () => ({
        memory: 'The user keeps a tortoise named Quillon.',
        key: 'tortoise',
        memory_type: 'UserMemory' as const,
        tags: ['pet'],
        valid_from: null,
        sources: [{ type: 'chat' as const, message_id: 'm1', role: 'user' }],
      })),
      summary: '',
      model: 'fake',
      prompt_version: 'v1',
    };
  }
}

/** Records published jobs; `fail` rejects the next publishes; `onDispatch` plays the mem-reader. */
class RecordingDispatcher implements ExtractionDispatcher {
  jobs: ExtractionJob[] = [];
  fail = 0;
  onDispatch: ((job: ExtractionJob) => void) | null = null;
  async dispatch(job: ExtractionJob): Promise<void> {
    this.jobs.push(job);
    if (this.fail > 0) {
      this.fail--;
      throw new Error('kafka unavailable');
    }
    this.onDispatch?.(job);
  }
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const chat = [
  { role: 'user', content: 'My tortoise Quillon eats dandelions every morning.', message_id: 'm1' },
  { role: 'assistant', content: 'Quillon sounds well fed.', message_id: 'm2' },
];

describe('AddMemories (through MemoryService, embedded stores)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  const embedder = new HashingEmbedder();
  const core = (over: Partial<MemoryServiceDeps> = {}) =>
    new MemoryService({ ...stores, embedder, window: { maxTokens: 64, overlapTokens: 0 }, ...over });
  const cmd = (over: Partial<AddCommand> = {}): AddCommand => ({
    tenant_id: 't',
    user_id: 'u',
    session_id: 's',
    cube_ids: ['c'],
    messages: chat,
    mode: 'fast',
    async_mode: 'sync',
    ...over,
  });
  const stored = async () =>
    (await stores.records.list({ tenant_id: 't', cube_ids: ['c', 'd'], statuses: ['activated', 'archived'] }))
      .items;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-add-'));
    stores = await openEmbeddedStores({ dataDir: dir, dimension: embedder.dimension });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('validation (a 400, nothing stored, no task recorded)', () => {
    it.each([
      ['no cube', { cube_ids: [] }, /writable_cube_ids must name at least one cube/],
      ['info nested too deep', { info: nested(40) }, /info is nested more than \d+ levels deep/],
      ['info key that is a memory field', { info: { session_id: 'x' } }, /info.session_id collides/],
      ['a bad message', { messages: [{ role: 'robot', content: 'x' }] }, /role must be one of/],
    ])('%s', async (_, over, message) => {
      const svc = core();
      const err = await svc.add(cmd(over as Partial<AddCommand>)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(message);
      expect(svc.tasks.list('t')).toEqual([]);
      expect(await stored()).toEqual([]);
    });
  });

  describe('idempotency', () => {
    it('without a key, the same content gets the same ids and the same task: a replay writes nothing', async () => {
      const svc = core();
      const first = await svc.add(cmd());
      expect(first).toMatchObject({ replayed: false, task_status: 'completed' });
      const again = await svc.add(cmd());
      expect(again.replayed).toBe(true);
      expect(again.task_id).toBe(first.task_id);
      expect(again.memories).toEqual(first.memories);
      expect(svc.tasks.get('t', again.task_id)).toMatchObject({
        label: 'add',
        status: 'completed',
        detail: { memories: first.memories.length, written: 0 },
      });
      expect(await stored()).toHaveLength(first.memories.length);
    });

    it('an idempotency key, not the content, decides the ids and the task id', async () => {
      const svc = core();
      const a = await svc.add(cmd({ idempotency_key: 'k1' }));
      expect(a.task_id).toBe(deterministicId('t', 'task', 'k1'));
      const b = await svc.add(cmd({ idempotency_key: 'k2' }));
      expect(b.replayed).toBe(false);
      expect(b.memories.map((m) => m.memory_id)).not.toEqual(a.memories.map((m) => m.memory_id));
      // same key, other session: still the first add's ids (the key names the add)
      const c = await svc.add(cmd({ idempotency_key: 'k1', session_id: 'other' }));
      expect(c.replayed).toBe(true);
      expect(c.memories).toEqual(a.memories);
    });

    it('a given task id is used as it is', async () => {
      const svc = core();
      const r = await svc.add(cmd({ task_id: 'my-task' }));
      expect(r.task_id).toBe('my-task');
      expect(svc.tasks.get('t', 'my-task')?.status).toBe('completed');
      const items = await svc.getByIds(
        't',
        r.memories.map((m) => m.memory_id),
      );
      expect(items.every((i) => i.provenance.task_id === 'my-task')).toBe(true);
    });

    it('a large add is written in slices, every window stored once and chained', async () => {
      const svc = core();
      const turns = Array.from({ length: 120 }, (_, i) => ({
        role: i % 2 ? 'assistant' : 'user',
        content: `Turn ${i} is about the tortoise Quillon and his favourite lettuce number ${i}.`,
        message_id: `m${i}`,
      }));
      const r = await svc.add(cmd({ messages: turns }));
      expect(r.memories.length).toBeGreaterThan(32);
      const items = await svc.getByIds(
        't',
        r.memories.map((m) => m.memory_id),
      );
      expect(items).toHaveLength(r.memories.length);
      for (let i = 1; i < items.length; i++) expect(items[i]!.preceding_id).toBe(items[i - 1]!.id);
      expect(await stores.records.listPendingIndex(10)).toEqual([]);
    });
  });

  describe('tombstones (deletes are final)', () => {
    it('all refused: nothing stored, every id named, not a replay', async () => {
      const svc = core();
      const first = await svc.add(cmd());
      const ids = first.memories.map((m) => m.memory_id);
      await svc.delete({ tenant_id: 't', kind: 'ids', ids });
      const retry = await svc.add(cmd());
      expect(retry).toMatchObject({
        memories: [],
        refused_ids: ids,
        replayed: false,
        task_status: 'completed',
      });
      expect(svc.tasks.get('t', retry.task_id)?.detail).toEqual({
        memories: 0,
        written: 0,
        refused: ids.length,
      });
    });

    it('partly refused: the survivors come back, the deleted ones are named', async () => {
      const svc = core();
      const first = await svc.add(cmd({ cube_ids: ['c', 'd'] }));
      const [inC, inD] = [
        first.memories.filter((m) => m.cube_id === 'c'),
        first.memories.filter((m) => m.cube_id === 'd'),
      ];
      await svc.delete({ tenant_id: 't', kind: 'ids', ids: inD.map((m) => m.memory_id) });
      const retry = await svc.add(cmd({ cube_ids: ['c', 'd'] }));
      expect(retry.memories).toEqual(inC);
      expect(retry.refused_ids).toEqual(inD.map((m) => m.memory_id));
      expect(retry.replayed).toBe(true);
    });
  });

  describe('no fine mode', () => {
    it('refuses mode=fine (sync and async) before validating or writing', async () => {
      const svc = core();
      for (const async_mode of ['sync', 'async'] as const) {
        const err = await svc.add(cmd({ mode: 'fine', async_mode, cube_ids: [] })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as Error).message).toMatch(/needs an LLM endpoint/);
      }
      expect(svc.tasks.list('t')).toEqual([]);
      expect(svc.fineModeEnabled).toBe(false);
    });

    it('an async add is a fast one: completed, nothing pending', async () => {
      const svc = core();
      const r = await svc.add(cmd({ async_mode: 'async' }));
      expect(r.task_status).toBe('completed');
      expect((await stored()).some((m) => m.tags.includes('extract:pending'))).toBe(false);
    });

    it('announces the completed task in the background; a failed announcement does not fail the add', async () => {
      const announced: TaskRecord[] = [];
      const warnings: string[] = [];
      const svc = core({
        announceTask: async (t) => {
          announced.push(t);
          throw new Error('bus down');
        },
        log: { warn: (m) => warnings.push(m) },
      });
      const r = await svc.add(cmd());
      await svc.drain();
      expect(announced).toEqual([
        expect.objectContaining({ task_id: r.task_id, status: 'completed', label: 'add' }),
      ]);
      expect(warnings).toEqual([expect.stringMatching(/background job failed: bus down/)]);
    });

    it('a store failure fails the add and the task records it', async () => {
      const svc = core({
        lexical: Object.assign(Object.create(stores.lexical) as EmbeddedStores['lexical'], {
          upsert: () => Promise.reject(new Error('disk full')),
        }),
      });
      await expect(svc.add(cmd({ task_id: 'x' }))).rejects.toThrow('disk full');
      expect(svc.tasks.get('t', 'x')).toMatchObject({ label: 'add', status: 'failed', error: 'disk full' });
    });
  });

  describe('local extractor: inline (sync fine) and background (async)', () => {
    it('sync fine answers with the fine memories; the raw windows retire', async () => {
      const ex = new ScriptedExtractor();
      const svc = core({ extractor: ex });
      const r = await svc.add(cmd({ mode: 'fine' }));
      expect(r.memories.map((m) => m.memory)).toEqual(['The user keeps a tortoise named Quillon.']);
      expect(r).toMatchObject({ task_status: 'completed', replayed: false });
      expect(svc.tasks.get('t', r.task_id)).toMatchObject({ label: 'mem_read', status: 'completed' });
      expect((await stored()).filter((m) => m.status === 'activated').map((m) => m.memory_type)).toEqual([
        'UserMemory',
      ]);
    });

    it('sync fine that extracts nothing answers with the raw memories', async () => {
      const ex = new ScriptedExtractor();
      ex.memories = 0;
      const svc = core({ extractor: ex });
      const r = await svc.add(cmd({ mode: 'fine' }));
      expect(r.memories.map((m) => m.memory_type)).toEqual(['LongTermMemory']);
      expect(r.task_status).toBe('completed');
    });

    it('sync fine whose extraction fails answers with the raw memories and a failed task', async () => {
      const ex = new ScriptedExtractor();
      ex.fail = new Error('llm down');
      const svc = core({ extractor: ex, log: { warn: () => undefined } });
      const r = await svc.add(cmd({ mode: 'fine' }));
      expect(r.memories.map((m) => m.memory_type)).toEqual(['LongTermMemory']);
      expect(r.task_status).toBe('failed');
      expect(svc.tasks.get('t', r.task_id)?.error).toMatch(/llm down/);
    });

    it('sync fast with an extractor is not extracted', async () => {
      const ex = new ScriptedExtractor();
      const svc = core({ extractor: ex });
      expect((await svc.add(cmd())).task_status).toBe('completed');
      expect(ex.calls).toBe(0);
      expect((await stored()).some((m) => m.tags.includes('extract:pending'))).toBe(false);
    });

    it('async answers waiting with the raw memories, then extracts in the background', async () => {
      const ex = new ScriptedExtractor();
      const svc = core({ extractor: ex });
      const r = await svc.add(cmd({ async_mode: 'async' }));
      expect(r.task_status).toBe('waiting');
      expect(r.memories.map((m) => m.memory_type)).toEqual(['LongTermMemory']);
      await svc.drain();
      expect(ex.calls).toBe(1);
      expect(svc.tasks.get('t', r.task_id)).toMatchObject({ label: 'mem_read', status: 'completed' });
    });

    it('async with nothing left to extract (every window deleted since) completes as a fast add', async () => {
      const ex = new ScriptedExtractor();
      const svc = core({ extractor: ex });
      const first = await svc.add(cmd());
      await svc.delete({ tenant_id: 't', kind: 'ids', ids: first.memories.map((m) => m.memory_id) });
      const r = await svc.add(cmd({ async_mode: 'async' }));
      expect(r).toMatchObject({ memories: [], task_status: 'completed' });
      await svc.drain();
      expect(ex.calls).toBe(0);
    });
  });

  describe('dispatcher (cluster): published to the mem-reader', () => {
    it('async: the raw memories are stored pending, the job published, the task waiting', async () => {
      const d = new RecordingDispatcher();
      const svc = core({ dispatcher: d });
      expect(svc.fineModeEnabled).toBe(true);
      const r = await svc.add(cmd({ async_mode: 'async', custom_tags: ['pets'], idempotency_key: 'k' }));
      expect(r.task_status).toBe('waiting');
      expect(d.jobs).toEqual([
        expect.objectContaining({
          task_id: r.task_id,
          ingest_key: 'k',
          custom_tags: ['pets'],
          raw: r.memories.map((m) => ({ memory_id: m.memory_id, cube_id: 'c' })),
        }),
      ]);
      expect(svc.tasks.get('t', r.task_id)).toMatchObject({
        label: 'mem_read',
        status: 'waiting',
        detail: { raw: 1 },
      });
      expect((await stored()).every((m) => m.tags.includes('extract:pending'))).toBe(true);
    });

    it('keeps the progress the tracker already holds from task events', async () => {
      const d = new RecordingDispatcher();
      const svc = core({ dispatcher: d });
      d.onDispatch = (job) =>
        svc.tasks.upsert({ ...job, cube_ids: ['c'], label: 'mem_read', status: 'in_progress' });
      expect((await svc.add(cmd({ async_mode: 'async' }))).task_status).toBe('in_progress');
    });

    it('a failed publish fails the add, records the failure and schedules the relay', async () => {
      const d = new RecordingDispatcher();
      d.fail = 1;
      const svc = core({ dispatcher: d, relay: { initialBackoffMs: 5, maxBackoffMs: 10 } });
      await expect(svc.add(cmd({ async_mode: 'async', task_id: 'x' }))).rejects.toThrow('kafka unavailable');
      expect(svc.tasks.get('t', 'x')).toMatchObject({
        label: 'add',
        status: 'failed',
        error: 'kafka unavailable',
      });
      // the relay publishes the same job again in the background
      await until(() => d.jobs.length === 2);
      expect(d.jobs[1]).toEqual(d.jobs[0]);
      await svc.drain();
    });

    it('sync fast is not dispatched; sync fine without a task-event feed is refused', async () => {
      const d = new RecordingDispatcher();
      const svc = core({ dispatcher: d });
      expect((await svc.add(cmd())).task_status).toBe('completed');
      const err = await svc.add(cmd({ mode: 'fine' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toMatch(/use async_mode=async/);
      expect(d.jobs).toEqual([]);
    });

    it('sync fine waits for the dispatched task and answers with its fine memories', async () => {
      const tasks = new TaskTracker();
      const reader = core({ extractor: new ScriptedExtractor(), tasks });
      const d = new RecordingDispatcher();
      // the mem-reader, in the background; the shared tracker stands for the task-events feed
      d.onDispatch = (job) =>
        void setImmediate(
          () =>
            void reader.extractDispatched({
              tenant_id: job.tenant_id,
              task_id: job.task_id,
              user_id: job.user_id,
              cube_ids: ['c'],
              raw_ids: job.raw.map((r) => r.memory_id),
              custom_tags: job.custom_tags,
            }),
        );
      const svc = core({ dispatcher: d, syncFineTimeoutMs: 3000, tasks });
      const r = await svc.add(cmd({ mode: 'fine' }));
      expect(r.task_status).toBe('completed');
      expect(r.memories.map((m) => m.memory)).toEqual(['The user keeps a tortoise named Quillon.']);
    });

    it('sync fine answers with the accepted raw memories when the wait times out', async () => {
      const d = new RecordingDispatcher();
      const svc = core({ dispatcher: d, syncFineTimeoutMs: 30 });
      const r = await svc.add(cmd({ mode: 'fine' }));
      expect(r.task_status).toBe('waiting');
      expect(r.memories.map((m) => m.memory_type)).toEqual(['LongTermMemory']);
    });

    it('a local extractor wins over a dispatcher', async () => {
      const d = new RecordingDispatcher();
      const ex = new ScriptedExtractor();
      const svc = core({ dispatcher: d, extractor: ex });
      await svc.add(cmd({ async_mode: 'async' }));
      await svc.drain();
      expect(d.jobs).toEqual([]);
      expect(ex.calls).toBe(1);
    });
  });
});

function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { v };
  return v;
}
