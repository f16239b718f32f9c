import { bootstrapService } from '@engram/platform';
import { buildFineMode, connectBus, groupId, openCore, subscribeRawInput } from '@engram/runtime';

/**
 * Fine extraction: consumes raw-input events (per cube, in order), runs the LLM extractor through the
 * memory core's FinePipeline, stores fine memories, retires the raw ones, reports task events. Offsets
 * are committed only after that (the bus commits after the handler resolves).
 */
bootstrapService('mem-reader', async ({ cfg, log, lifecycle: lc, metrics }) => {
  const fine = buildFineMode(process.env);
  if (!fine.extractor)
    throw new Error('mem-reader needs an LLM: set ENGRAM_LLM_BASE_URL and ENGRAM_LLM_EXTRACTOR_MODEL');
  const bus = await connectBus(cfg, { observer: metrics.busObserver() });
  metrics.watch({ bus, llmUsage: () => fine.llm?.ledger.snapshot() ?? [] });
  const core = await openCore(cfg, { extractor: fine.extractor });
  return {
    modules: [],
    probe: { health: true, describe: () => ({ embedder: core.embedder.id, ...fine.describe() }) },
    start: async () => {
      // a crash between a fine write (or a retirement) and its index writes is finished here, before
      // consuming; pending extractions are not resumed here: the writer's relay republishes them to this
      // consumer group (running them locally would bypass the partition order and report no task events)
      await core.memory
        .recover({ resumeExtractions: false })
        .then(({ reindexed }) => {
          if (reindexed) log.warn(`finished indexing ${reindexed} memories interrupted by a previous crash`);
        })
        .catch((err: unknown) => log.warn(`boot recovery failed: ${(err as Error).message}`));
      const sub = await subscribeRawInput(bus, groupId(cfg, 'mem-reader'), core.memory);
      // closing the subscription lets the in-flight handler finish and commit before the stores close
      lc.onShutdown('stop raw-input consumer', () => sub.close());
      lc.onShutdown('close bus', () => bus.close());
      lc.onShutdown('close stores', () => core.close());
    },
    banner: (url) => `mem-reader consuming raw input; probes on ${url}`,
  };
});
