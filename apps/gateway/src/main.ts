import { RestApiModule, mountOpenApi } from '@engram/api-rest';
import { GrpcApiModule, grpcServerOptions, MEMORY_GRPC_SERVICES } from '@engram/api-grpc';
import { TaskTracker, type MemoryApi } from '@engram/memory-core';
import { RemoteMemory } from '@engram/memory-client';
import { bootstrapService, VERSION } from '@engram/platform';
import { BusExtractionDispatcher, connectBus, groupId, openCore } from '@engram/runtime';
import { publishTask, subscribeTasks } from '@engram/scheduler';

/**
 * The cluster's front door: MemOS REST (+ engram.v1.MemoryService over gRPC). With
 * ENGRAM_INGESTION_ADDRESS + ENGRAM_RETRIEVAL_ADDRESS it holds no stores: writes (add, delete) go to the
 * ingestion service and reads (search, get, list) to the retrieval service over gRPC (internal.proto);
 * without, it runs the memory core over the cluster stores itself (fast path + raw-input events for the
 * mem-reader). Task status
 * comes from the task-events topic, so /product/scheduler/* sees the mem-reader's progress.
 */
bootstrapService('gateway', async ({ cfg, log, lifecycle: lc, metrics }) => {
  const bus = await connectBus(cfg, { observer: metrics.busObserver() });
  // remote mode opens no stores and no embedder: its tracker is fed from task events below
  const remote = cfg.ingestionAddress
    ? new RemoteMemory(
        new TaskTracker(),
        { ingestion: cfg.ingestionAddress, retrieval: cfg.retrievalAddress! },
        { syncFineTimeoutMs: cfg.syncFineTimeoutMs },
      )
    : null;
  const core = remote
    ? null
    : await openCore(cfg, {
        dispatcher: cfg.fineMode ? new BusExtractionDispatcher(bus) : null,
        // its tracker follows task events (below), so sync fine adds can wait for the mem-reader
        syncFineTimeoutMs: cfg.syncFineTimeoutMs,
        announceTask: (t) => publishTask(bus, t),
      });
  const memory: MemoryApi = remote ?? core!.memory;
  const describe = () => ({
    shape: 'cluster',
    add_search: remote ? { ingestion: cfg.ingestionAddress, retrieval: cfg.retrievalAddress } : 'in-process',
    stores: core ? 'cluster' : 'none (ingestion/retrieval)',
    ...(core ? { embedder: core.embedder.id, dimension: core.embedder.dimension } : {}),
    fine_mode: cfg.fineMode ? 'mem-reader' : false,
  });
  metrics.watch({ bus, tasks: () => memory.tasks.totals() });
  return {
    modules: [
      RestApiModule.register({
        memory,
        options: { service: 'engram-gateway', version: VERSION, defaultTenant: cfg.defaultTenant, describe },
      }),
      ...(cfg.grpcPort
        ? [GrpcApiModule.register({ memory, options: { defaultTenant: cfg.defaultTenant } })]
        : []),
    ],
    probe: { health: false, describe },
    ...(cfg.grpcPort
      ? {
          microservice: grpcServerOptions({
            host: cfg.host,
            port: cfg.grpcPort,
            services: MEMORY_GRPC_SERVICES,
          }),
        }
      : {}),
    start: async (app) => {
      // every gateway instance sees every task event (its own group), for its scheduler routes
      const tasks = await subscribeTasks(bus, groupId(cfg, `gateway-tasks.${process.pid}`), memory.tasks);
      lc.onShutdown('stop task-events consumer', () => tasks.close());
      lc.onShutdown('drain background work', () => core?.memory.drain());
      lc.onShutdown('close gRPC clients', () => remote?.close());
      lc.onShutdown('close bus', () => bus.close());
      lc.onShutdown('close stores', () => core?.close());
      if (cfg.swagger) mountOpenApi(app, VERSION);
      if (core) {
        // with its own core, the boot recovery of a store owner, before serving (never racing its own
        // requests): half-indexed writes finished, raw memories left pending (maybe never published) sent again
        await core.memory
          .recover()
          .then(({ reindexed, resumed }) => {
            if (reindexed)
              log.warn(`finished indexing ${reindexed} memories interrupted by a previous crash`);
            if (resumed) log.warn(`republished ${resumed} raw memories left pending by a previous run`);
          })
          .catch((err: unknown) => log.warn(`boot recovery failed: ${(err as Error).message}`));
      }
    },
    banner: (url) =>
      `gateway listening on ${url}${cfg.grpcPort ? ` (gRPC ${cfg.host}:${cfg.grpcPort})` : ''}`,
  };
});
