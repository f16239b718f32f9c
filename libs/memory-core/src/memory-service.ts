import {
  assertJsonDepth,
  contentHash,
  deterministicId,
  UnavailableError,
  ValidationError,
  FILTERABLE_FIELDS,
  type MemoryItem,
} from '@engram/domain';
import type { Embedder, GraphStore, LexicalIndex, MemoryRecordStore, VectorIndex } from '@engram/ports';
import { normalizeMessages, type WindowOptions } from '@engram/reader';
import { HybridSearcher, type ScoringModel } from '@engram/retrieval';
import {
  toAddedMemory,
  type AddCommand,
  type AddResult,
  type DeleteCommand,
  type GetMemoriesCommand,
  type GetMemoriesResult,
  type SearchCommand,
  type SearchOutcome,
} from './commands';
import { buildFastMemoriesSliced } from './fast-memories';
import { DispatchRelay, type DispatchRelayOptions } from './dispatch-relay';
import type { ExtractionDispatcher, ExtractionJob } from './extraction-dispatch';
import { FinePipeline, TAG_EXTRACT_FAILED, TAG_EXTRACT_PENDING, type WindowExtractor } from './fine-pipeline';
import { Indexer } from './indexer';
import { KeyedMutex } from './keyed-mutex';
import { pendingJob } from './pending-job';
import { awaitExtraction } from './extraction-outcome';
import { TaskTracker, type TaskRecord } from './task-tracker';

export interface MemoryServiceDeps {
  records: MemoryRecordStore;
  lexical: LexicalIndex;
  vectors: VectorIndex;
  graph: GraphStore;
  embedder: Embedder;
  window: WindowOptions;
  scoring?: ScoringModel;
  tasks?: TaskTracker;
  clock?: () => Date;
  /** Fine mode (LLM extraction); absent = fast mode only. */
  extractor?: WindowExtractor | null;
  /** Cluster shape: async fine extraction is published to the mem-reader instead of run here. */
  dispatcher?: ExtractionDispatcher | null;
  /**
   * With a dispatcher: `async_mode=sync` + `mode=fine` waits this long for the dispatched task. Set
   * only where `tasks` is fed from task events (the cluster gateway); absent = such adds are refused.
   */
  syncFineTimeoutMs?: number | null;
  /**
   * Reports tasks that finished here without extraction (fast adds), so a scheduler elsewhere knows
   * every task. Called in the background: a failure is logged, never fails the add.
   */
  announceTask?: ((task: TaskRecord) => Promise<void>) | null;
  /** Backoff of the background republish of adds whose dispatch failed. */
  relay?: DispatchRelayOptions;
  log?: { warn(msg: string): void };
}

const MAX_IDS = 10_000;
/** Memories per index write of one add (see writeNew). */
const WRITE_SLICE = 32;

/** How one extraction ended: its fine memories and the task state it left (this run's, not a later one's). */
export interface ExtractionOutcome {
  fine: MemoryItem[];
  status: 'completed' | 'failed' | 'cancelled';
  error?: string;
  detail: Record<string, unknown>;
}

function outcome(rec: TaskRecord, fine: MemoryItem[]): ExtractionOutcome {
  return {
    fine,
    status: rec.status === 'failed' || rec.status === 'cancelled' ? rec.status : 'completed',
    ...(rec.status === 'failed' && rec.error ? { error: rec.error } : {}),
    detail: rec.detail ?? {},
  };
}

/** The memory core: add (fast mode), search, get, delete over the storage ports. */
export class MemoryService {
  readonly tasks: TaskTracker;
  readonly indexer: Indexer;
  private readonly searcher: HybridSearcher;
  private readonly cubeLocks = new KeyedMutex();
  private readonly clock: () => Date;
  private readonly fine: FinePipeline | null;
  private readonly background = new Set<Promise<void>>();
  private readonly relay: DispatchRelay | null;

  constructor(private readonly deps: MemoryServiceDeps) {
    this.tasks = deps.tasks ?? new TaskTracker();
    this.indexer = new Indexer(deps);
    this.searcher = new HybridSearcher({ ...deps, ...(deps.scoring ? { scoring: deps.scoring } : {}) });
    this.clock = deps.clock ?? (() => new Date());
    this.fine = deps.extractor
      ? new FinePipeline({ extractor: deps.extractor, indexer: this.indexer, clock: this.clock })
      : null;
    this.relay =
      deps.dispatcher && !this.fine ? new DispatchRelay(deps.dispatcher, deps.relay ?? {}, deps.log) : null;
  }

  /** True when fine mode (LLM extraction) is available. */
  get fineModeEnabled(): boolean {
    return this.fine !== null || Boolean(this.deps.dispatcher);
  }

  async add(cmd: AddCommand): Promise<AddResult> {
    const dispatcher = this.fine ? null : (this.deps.dispatcher ?? null);
    const canWait = Boolean(dispatcher && this.deps.syncFineTimeoutMs);
    if (cmd.mode === 'fine' && !this.fine && !(dispatcher && (cmd.async_mode === 'async' || canWait))) {
      throw new UnavailableError(
        dispatcher
          ? 'mode=fine with async_mode=sync needs an in-process LLM or a gateway that follows task events; use async_mode=async'
          : 'mode=fine needs an LLM endpoint (set ENGRAM_LLM_BASE_URL); fast mode works without one',
      );
    }
    // Extraction runs inline for sync+fine, in the background (or the mem-reader) for async adds, never for sync+fast.
    const extract = this.fineModeEnabled && (cmd.async_mode === 'async' || cmd.mode === 'fine');
    if (!cmd.cube_ids.length) throw new ValidationError('writable_cube_ids must name at least one cube');
    const info = cmd.info ?? {};
    assertJsonDepth(info, 'info');
    for (const k of Object.keys(info)) {
      if (FILTERABLE_FIELDS.has(k))
        throw new ValidationError(`info.${k} collides with a memory field; rename it`);
    }
    const seed = cmd.idempotency_key ?? contentHash(cmd.messages);
    const messages = normalizeMessages(cmd.messages, seed);
    const ingestKey =
      cmd.idempotency_key ??
      contentHash({ u: cmd.user_id, s: cmd.session_id, m: messages, t: cmd.custom_tags ?? [], i: info });
    const taskId = cmd.task_id ?? deterministicId(cmd.tenant_id, 'task', ingestKey);
    const now = this.clock().toISOString();
    const task = { task_id: taskId, tenant_id: cmd.tenant_id, user_id: cmd.user_id, cube_ids: cmd.cube_ids };
    this.tasks.upsert({ ...task, label: 'add', status: 'in_progress' });
    try {
      const memories: AddResult['memories'] = [];
      let fresh = 0;
      const refused: string[] = [];
      for (const cube of cmd.cube_ids) {
        const items = await buildFastMemoriesSliced(
          messages,
          {
            tenant_id: cmd.tenant_id,
            cube_id: cube,
            user_id: cmd.user_id,
            session_id: cmd.session_id,
            ...(cmd.idempotency_key ? { idempotency_key: cmd.idempotency_key } : {}),
            ingest_key: ingestKey,
            task_id: taskId,
            custom_tags: cmd.custom_tags ?? [],
            info,
            now,
          },
          this.deps.window,
        );
        if (extract)
          for (const it of items) if (it.tags.includes('mode:fast')) it.tags.push(TAG_EXTRACT_PENDING);
        const stored = await this.cubeLocks.run(`${cmd.tenant_id}\u0000${cube}`, () => this.writeNew(items));
        fresh += stored.written;
        refused.push(...stored.refused);
        memories.push(...stored.items.map(toAddedMemory));
      }
      const replayed = fresh === 0 && memories.length > 0;
      // memories deleted since an earlier add of these messages stay deleted; the answer names them
      const refusal = refused.length ? { refused_ids: refused } : {};
      const pendingRaw = memories.filter((m) => extract && m.memory_type !== 'RawFileMemory');
      if (extract && cmd.async_mode === 'sync' && this.fine) {
        const { fine } = await this.extractFor(
          cmd.tenant_id,
          taskId,
          cmd.user_id,
          cmd.cube_ids,
          memories.map((m) => m.memory_id),
          cmd.custom_tags ?? [],
        );
        const out = fine.length ? fine.map(toAddedMemory) : memories;
        return {
          memories: out,
          task_id: taskId,
          task_status: this.tasks.get(cmd.tenant_id, taskId)?.status ?? 'completed',
          replayed: false,
          ...refusal,
        };
      }
      const markWaiting = () =>
        this.tasks.upsert({
          ...task,
          label: 'mem_read',
          status: 'waiting',
          detail: { raw: pendingRaw.length },
        });
      if (extract && pendingRaw.length && dispatcher) {
        const job: ExtractionJob = {
          tenant_id: cmd.tenant_id,
          task_id: taskId,
          user_id: cmd.user_id,
          session_id: cmd.session_id,
          ingest_key: ingestKey,
          mode: cmd.mode,
          messages,
          custom_tags: cmd.custom_tags ?? [],
          info,
          raw: pendingRaw.map((m) => ({ memory_id: m.memory_id, cube_id: m.cube_id })),
        };
        await dispatcher.dispatch(job).catch((err: unknown) => {
          // the add fails (the caller may retry); the relay republishes meanwhile in case it does not
          this.relay?.schedule(job);
          throw err;
        });
        // the tracker may already hold the mem-reader's progress (fed from task events): keep it
        const seen = this.tasks.get(cmd.tenant_id, taskId);
        let accepted: AddResult;
        if (seen?.label === 'mem_read' && seen.status !== 'waiting') {
          accepted = { memories, task_id: taskId, task_status: seen.status, replayed, ...refusal };
        } else {
          markWaiting();
          accepted = { memories, task_id: taskId, task_status: 'waiting', replayed, ...refusal };
        }
        if (cmd.async_mode === 'async' || !this.deps.syncFineTimeoutMs) return accepted;
        return awaitExtraction(accepted, {
          tasks: this.tasks,
          getByIds: (t, ids) => this.getByIds(t, ids),
          tenantId: cmd.tenant_id,
          timeoutMs: this.deps.syncFineTimeoutMs,
        });
      }
      if (extract && pendingRaw.length) {
        markWaiting();
        this.spawn(() =>
          this.extractFor(
            cmd.tenant_id,
            taskId,
            cmd.user_id,
            cmd.cube_ids,
            pendingRaw.map((m) => m.memory_id),
            cmd.custom_tags ?? [],
          ).then(() => undefined),
        );
        return { memories, task_id: taskId, task_status: 'waiting', replayed, ...refusal };
      }
      const done = this.tasks.upsert({
        ...task,
        label: 'add',
        status: 'completed',
        detail: {
          memories: memories.length,
          written: fresh,
          ...(refused.length ? { refused: refused.length } : {}),
        },
      });
      const announce = this.deps.announceTask;
      if (announce) this.spawn(() => announce(done));
      return { memories, task_id: taskId, task_status: 'completed', replayed, ...refusal };
    } catch (err) {
      this.tasks.upsert({
        ...task,
        label: 'add',
        status: 'failed',
        error: (err as Error).message,
      });
      throw err;
    }
  }

  /**
   * The mem-reader's entry point: fine extraction for dispatched raw memories still pending (a
   * redelivered job finds them retired and does nothing). Needs a local extractor.
   */
  async extractDispatched(job: {
    tenant_id: string;
    task_id: string;
    user_id: string;
    cube_ids: string[];
    raw_ids: string[];
    custom_tags: string[];
  }): Promise<ExtractionOutcome> {
    if (!this.fine)
      throw new UnavailableError('fine extraction needs an LLM endpoint (set ENGRAM_LLM_BASE_URL)');
    return this.extractFor(
      job.tenant_id,
      job.task_id,
      job.user_id,
      job.cube_ids,
      job.raw_ids,
      job.custom_tags,
    );
  }

  /**
   * Runs fine extraction for raw memories still pending, per cube in order (one cube's extractions
   * never interleave). The task reports the outcome; failures keep the raw memories.
   */
  private async extractFor(
    tenantId: string,
    taskId: string,
    userId: string,
    cubeIds: string[],
    rawIds: string[],
    customTags: string[],
  ): Promise<ExtractionOutcome> {
    const base = {
      task_id: taskId,
      tenant_id: tenantId,
      user_id: userId,
      cube_ids: cubeIds,
      label: 'mem_read',
    };
    this.tasks.upsert({ ...base, status: 'in_progress' });
    const produced: MemoryItem[] = [];
    const reasons: string[] = [];
    try {
      const found = await this.deps.records.getByIds(rawIds);
      if (rawIds.length && !found.length) {
        // deleted before extraction ran: nothing to extract from, and nothing was lost
        const rec = this.tasks.upsert({
          ...base,
          status: 'cancelled',
          detail: { fine: 0, reason: 'the raw memories were deleted before extraction ran' },
        });
        return outcome(rec, produced);
      }
      // a window whose extraction failed is retried when dispatched again (the mem-reader's retries)
      const raw = found.filter(
        (r) =>
          r.status === 'activated' &&
          (r.tags.includes(TAG_EXTRACT_PENDING) || r.tags.includes(TAG_EXTRACT_FAILED)),
      );
      for (const cube of cubeIds) {
        const mine = raw.filter((r) => r.cube_id === cube);
        if (!mine.length) continue;
        const out = await this.cubeLocks.run(`${tenantId}\u0000${cube}`, () =>
          this.fine!.run(mine, customTags),
        );
        produced.push(...out.fine);
        if (out.kept_raw_reason) reasons.push(out.kept_raw_reason);
      }
      return outcome(
        this.tasks.upsert({
          ...base,
          status: 'completed',
          detail: {
            fine: produced.length,
            memory_ids: produced.map((m) => m.id),
            ...(reasons.length ? { reason: reasons.join('; ') } : {}),
          },
        }),
        produced,
      );
    } catch (err) {
      this.deps.log?.warn(`extraction task ${taskId} failed, raw memories kept: ${(err as Error).message}`);
      const rec = this.tasks.upsert({
        ...base,
        status: 'failed',
        error: `extraction failed, raw memories kept: ${(err as Error).message}`,
      });
      return outcome(rec, produced);
    }
  }

  private spawn(job: () => Promise<void>): void {
    const p = job().catch((err: unknown) =>
      this.deps.log?.warn(`background job failed: ${(err as Error).message}`),
    );
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  /** Waits for background extractions (graceful shutdown finishes in-flight work). */
  async drain(): Promise<void> {
    // adds still waiting to be republished stay pending in the stores: the boot relay sends them
    this.relay?.stop();
    while (this.background.size) await Promise.all([...this.background]);
  }

  /**
   * After a crash: re-runs extraction for raw memories still marked pending (or, with a dispatcher,
   * publishes them again for the mem-reader). Returns how many.
   */
  async resumePendingExtractions(): Promise<number> {
    const dispatcher = this.fine ? null : (this.deps.dispatcher ?? null);
    if (!this.fine && !dispatcher) return 0;
    const byTask = new Map<string, MemoryItem[]>();
    for await (const page of this.deps.records.iterateAll(500)) {
      for (const m of page) {
        if (m.status !== 'activated' || !m.tags.includes(TAG_EXTRACT_PENDING)) continue;
        const key = `${m.tenant_id}\u0000${m.provenance.task_id ?? m.provenance.ingest_key}`;
        byTask.set(key, [...(byTask.get(key) ?? []), m]);
      }
    }
    for (const items of byTask.values()) {
      const first = items[0]!;
      const taskId =
        first.provenance.task_id ?? deterministicId(first.tenant_id, 'task', first.provenance.ingest_key);
      const cubes = [...new Set(items.map((i) => i.cube_id))];
      this.tasks.upsert({
        task_id: taskId,
        tenant_id: first.tenant_id,
        user_id: first.user_id,
        cube_ids: cubes,
        label: 'mem_read',
        status: 'waiting',
      });
      const tags = first.tags.filter((t) => !t.includes(':'));
      if (dispatcher) {
        // outbox relay: publish again what a crash may have left unpublished (the reader dedupes)
        this.spawn(() => dispatcher.dispatch(pendingJob(taskId, items, tags)));
        continue;
      }
      this.spawn(() =>
        this.extractFor(
          first.tenant_id,
          taskId,
          first.user_id,
          cubes,
          items.map((i) => i.id),
          tags,
        ).then(() => undefined),
      );
    }
    return [...byTask.values()].reduce((n, v) => n + v.length, 0);
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
      refused.push(...(await this.indexer.write(fresh.slice(i, i + WRITE_SLICE))).refused);
    }
    const gone = new Set(refused);
    return {
      items: items.filter((i) => !gone.has(i.id)).map((i) => existing.get(i.id) ?? i),
      written: fresh.length - refused.length,
      refused,
    };
  }

  async search(cmd: SearchCommand): Promise<SearchOutcome> {
    const started = performance.now();
    if (!cmd.query.trim()) throw new ValidationError('query must not be empty');
    const queryVector = this.queryVector(cmd.query_embedding);
    const result = await this.searcher.search({
      ...(queryVector ? { query_vector: queryVector } : {}),
      tenant_id: cmd.tenant_id,
      cube_ids: cmd.cube_ids,
      query: cmd.query,
      top_k: cmd.top_k,
      relativity: cmd.relativity,
      dedup: cmd.dedup,
      filter: cmd.filter,
      ...(cmd.session_id ? { session_id: cmd.session_id } : {}),
      ...(cmd.memory_types ? { memory_types: cmd.memory_types } : {}),
      quotas: {
        pref: cmd.include_preference ? cmd.pref_top_k : 0,
        tool: cmd.search_tool_memory ? cmd.tool_mem_top_k : 0,
        skill: cmd.include_skill_memory ? cmd.skill_mem_top_k : 0,
      },
    });
    return { buckets: result.buckets, took_ms: performance.now() - started, candidates: result.candidates };
  }

  /** A caller's precomputed query vector, if it is usable here: same embedder, same dimension. */
  private queryVector(q: SearchCommand['query_embedding']): Float32Array | null {
    if (!q || !q.vector.length) return null;
    const { id, dimension } = this.deps.embedder;
    if (q.embedder_id !== id)
      throw new ValidationError(
        `query_embedding was made by ${q.embedder_id || 'an unnamed embedder'}; this index uses ${id}`,
      );
    if (q.vector.length !== dimension)
      throw new ValidationError(
        `query_embedding has ${q.vector.length} dimensions; this index uses ${dimension}`,
      );
    if (!q.vector.every(Number.isFinite))
      throw new ValidationError('query_embedding must hold finite numbers');
    return Float32Array.from(q.vector);
  }

  async getMemories(cmd: GetMemoriesCommand): Promise<GetMemoriesResult> {
    const paged = cmd.page !== undefined || cmd.page_size !== undefined;
    const page = cmd.page ?? 1;
    const size = cmd.page_size ?? 10;
    if (paged && (page < 1 || size < 1)) throw new ValidationError('page and page_size must be >= 1');
    return this.deps.records.list({
      tenant_id: cmd.tenant_id,
      cube_ids: cmd.cube_ids,
      filter: cmd.filter,
      ...(paged ? { offset: (page - 1) * size, limit: size } : {}),
    });
  }

  async getByIds(tenantId: string, ids: string[]): Promise<MemoryItem[]> {
    if (ids.length > MAX_IDS) throw new ValidationError(`at most ${MAX_IDS} ids per request`);
    const items = await this.deps.records.getByIds(ids);
    const byId = new Map(items.filter((i) => i.tenant_id === tenantId).map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id)).filter((i): i is MemoryItem => Boolean(i));
  }

  /** Deletes by ids or by filter within cubes; returns the ids removed. */
  async delete(cmd: DeleteCommand): Promise<string[]> {
    let ids: string[];
    if (cmd.kind === 'ids') {
      if (!cmd.ids.length) throw new ValidationError('memory_ids is empty');
      const found = await this.getByIds(cmd.tenant_id, cmd.ids);
      ids = found.filter((m) => !cmd.cube_ids || cmd.cube_ids.includes(m.cube_id)).map((m) => m.id);
    } else {
      if (!cmd.cube_ids?.length) throw new ValidationError('a filter delete needs writable_cube_ids');
      const { items } = await this.deps.records.list({
        tenant_id: cmd.tenant_id,
        cube_ids: cmd.cube_ids,
        filter: cmd.filter,
        statuses: ['activated', 'resolving', 'archived', 'deleted'],
      });
      ids = items.map((m) => m.id);
    }
    for (let i = 0; i < ids.length; i += 500) await this.indexer.remove(ids.slice(i, i + 500));
    return ids;
  }
}
