import { UnavailableError, type MemoryItem } from '@engram/domain';
import type { Embedder, GraphStore, LexicalIndex, MemoryRecordStore, VectorIndex } from '@engram/ports';
import type { WindowOptions } from '@engram/reader';
import { HybridSearcher, type ScoringModel } from '@engram/retrieval';
import type {
  AddCommand,
  AddResult,
  DeleteCommand,
  GetMemoriesCommand,
  GetMemoriesResult,
  SearchCommand,
  SearchOutcome,
} from './commands';
import type { DispatchRelayOptions } from './dispatch-relay';
import type { ExtractionDispatcher } from './extraction-dispatch';
import { FinePipeline, type WindowExtractor } from './fine-pipeline';
import { Indexer } from './indexer';
import { KeyedMutex } from './keyed-mutex';
import type { MemoryApi } from './memory-api';
import { TaskTracker, type TaskRecord } from './task-tracker';
import { AddMemories } from './use-cases/add-memories';
import { BackgroundJobs } from './use-cases/background-jobs';
import { BootRecovery, type RecoveryReport } from './use-cases/boot-recovery';
import { chooseExtraction, type ExtractionPlan } from './use-cases/choose-extraction';
import { DeleteMemories } from './use-cases/delete-memories';
import { FastWrite } from './use-cases/fast-write';
import { FineExtraction, type ExtractionOutcome, type ExtractionTarget } from './use-cases/fine-extraction';
import { ReadMemories } from './use-cases/read-memories';
import { SearchMemories } from './use-cases/search-memories';

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

/**
 * The memory core over the storage ports, as one object for the composition roots: each method is a
 * use case (use-cases/), wired here once; the extraction strategy is chosen from the deps.
 */
export class MemoryService implements MemoryApi {
  readonly tasks: TaskTracker;
  readonly indexer: Indexer;
  private readonly jobs: BackgroundJobs;
  private readonly extraction: ExtractionPlan;
  private readonly fine: FineExtraction | null;
  private readonly adds: AddMemories;
  private readonly searches: SearchMemories;
  private readonly reads: ReadMemories;
  private readonly deletes: DeleteMemories;
  private readonly recovery: BootRecovery;

  constructor(deps: MemoryServiceDeps) {
    const tasks = (this.tasks = deps.tasks ?? new TaskTracker());
    const indexer = (this.indexer = new Indexer(deps));
    const clock = deps.clock ?? (() => new Date());
    // one lock per cube, shared by the fast write and extraction: a cube's writes never interleave
    const cubeLocks = new KeyedMutex();
    this.jobs = new BackgroundJobs(deps.log);
    this.reads = new ReadMemories(deps);
    this.fine = deps.extractor
      ? new FineExtraction({
          records: deps.records,
          pipeline: new FinePipeline({ extractor: deps.extractor, indexer, clock }),
          tasks,
          cubeLocks,
          log: deps.log,
        })
      : null;
    this.extraction = chooseExtraction({
      fine: this.fine,
      dispatcher: deps.dispatcher ?? null,
      syncFineTimeoutMs: deps.syncFineTimeoutMs ?? null,
      relay: deps.relay ?? {},
      tasks,
      jobs: this.jobs,
      getByIds: (tenantId, ids) => this.reads.getByIds(tenantId, ids),
      log: deps.log,
    });
    this.adds = new AddMemories({
      fastWrite: new FastWrite({ records: deps.records, indexer, window: deps.window, clock, cubeLocks }),
      extraction: this.extraction,
      tasks,
      jobs: this.jobs,
      announceTask: deps.announceTask,
    });
    this.searches = new SearchMemories({
      searcher: new HybridSearcher({ ...deps, ...(deps.scoring ? { scoring: deps.scoring } : {}) }),
      embedder: deps.embedder,
    });
    this.deletes = new DeleteMemories({ records: deps.records, indexer, read: this.reads });
    this.recovery = new BootRecovery({
      records: deps.records,
      indexer,
      tasks,
      extraction: this.extraction.async,
    });
  }

  /** True when fine mode (LLM extraction) is available. */
  get fineModeEnabled(): boolean {
    return this.extraction.fineModeEnabled;
  }

  add(cmd: AddCommand): Promise<AddResult> {
    return this.adds.execute(cmd);
  }

  search(cmd: SearchCommand): Promise<SearchOutcome> {
    return this.searches.execute(cmd);
  }

  getMemories(cmd: GetMemoriesCommand): Promise<GetMemoriesResult> {
    return this.reads.getMemories(cmd);
  }

  getByIds(tenantId: string, ids: string[]): Promise<MemoryItem[]> {
    return this.reads.getByIds(tenantId, ids);
  }

  delete(cmd: DeleteCommand): Promise<string[]> {
    return this.deletes.execute(cmd);
  }

  /**
   * The mem-reader's entry point: fine extraction for dispatched raw memories still pending (a
   * redelivered job finds them retired and does nothing). Needs a local extractor.
   */
  extractDispatched(job: ExtractionTarget): Promise<ExtractionOutcome> {
    if (!this.fine)
      return Promise.reject(
        new UnavailableError('fine extraction needs an LLM endpoint (set ENGRAM_LLM_BASE_URL)'),
      );
    return this.fine.run(job);
  }

  /**
   * Boot recovery, for every shape that owns stores: finishes writes a crash left half-indexed, then
   * resumes extraction of raw memories left pending (see BootRecovery).
   */
  recover(opts: { resumeExtractions?: boolean } = {}): Promise<RecoveryReport> {
    return this.recovery.run(opts);
  }

  /** The extraction half of `recover()`: re-runs or republishes pending extractions. Returns how many. */
  resumePendingExtractions(): Promise<number> {
    return this.recovery.resumePendingExtractions();
  }

  /** Waits for background work (graceful shutdown finishes in-flight extractions). */
  async drain(): Promise<void> {
    // adds still waiting to be republished stay pending in the stores: the boot relay sends them
    this.extraction.sync.stop?.();
    this.extraction.async.stop?.();
    await this.jobs.drain();
  }
}
