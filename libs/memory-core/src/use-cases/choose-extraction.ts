import type { MemoryItem } from '@engram/domain';
import { DispatchRelay, type DispatchRelayOptions } from '../dispatch-relay';
import type { ExtractionDispatcher } from '../extraction-dispatch';
import type { TaskTracker } from '../task-tracker';
import { BackgroundExtraction } from './background-extraction';
import type { BackgroundJobs } from './background-jobs';
import { DispatchedExtraction } from './dispatched-extraction';
import type { ExtractionStrategy } from './extraction-strategy';
import type { FineExtraction } from './fine-extraction';
import { InlineExtraction } from './inline-extraction';
import { NoExtraction } from './no-extraction';

/** The strategy for each `async_mode`, fixed when the core is built. */
export interface ExtractionPlan {
  sync: ExtractionStrategy;
  async: ExtractionStrategy;
  /** Fine mode (LLM extraction) is available, here or in the mem-reader. */
  fineModeEnabled: boolean;
}

/**
 * A local extractor wins over a dispatcher (the standalone app and the mem-reader extract themselves:
 * sync fine inline, async in the background); a dispatcher alone sends extraction to the mem-reader;
 * with neither, adds are fast only.
 */
export function chooseExtraction(deps: {
  fine: FineExtraction | null;
  dispatcher: ExtractionDispatcher | null;
  syncFineTimeoutMs: number | null;
  relay: DispatchRelayOptions;
  tasks: TaskTracker;
  jobs: BackgroundJobs;
  getByIds: (tenantId: string, ids: string[]) => Promise<MemoryItem[]>;
  log?: { warn(msg: string): void } | undefined;
}): ExtractionPlan {
  const { fine, dispatcher, tasks, jobs } = deps;
  if (fine)
    return {
      sync: new InlineExtraction({ fine, tasks }),
      async: new BackgroundExtraction({ fine, tasks, jobs }),
      fineModeEnabled: true,
    };
  if (dispatcher) {
    const dispatched = new DispatchedExtraction({
      dispatcher,
      relay: new DispatchRelay(dispatcher, deps.relay, deps.log),
      tasks,
      jobs,
      getByIds: deps.getByIds,
      syncFineTimeoutMs: deps.syncFineTimeoutMs,
    });
    return { sync: dispatched, async: dispatched, fineModeEnabled: true };
  }
  const none = new NoExtraction();
  return { sync: none, async: none, fineModeEnabled: false };
}
