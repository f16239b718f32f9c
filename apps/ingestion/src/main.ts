import { grpcServerOptions, INTERNAL_GRPC_SERVICES, InternalGrpcModule } from '@engram/api-grpc';
import { bootstrapService } from '@engram/platform';
import { BusExtractionDispatcher, connectBus, openCore } from '@engram/runtime';
import { publishTask } from '@engram/scheduler';

/**
 * The fast write path as a service: engram.v1.IngestionService (internal.proto) over gRPC. Validates,
 * dedupes (idempotency key or content hash → deterministic ids), writes raw memories to the cluster
 * stores tagged pending, publishes the raw-input event (keyed tenant:cube) and the waiting task event,
 * and only then answers: the pending tag is the outbox record.
 */
bootstrapService('ingestion', async ({ cfg, log, lifecycle: lc, metrics }) => {
  const bus = await connectBus(cfg, { observer: metrics.busObserver() });
  metrics.watch({ bus });
  const core = await openCore(cfg, {
    dispatcher: cfg.fineMode ? new BusExtractionDispatcher(bus) : null,
    // fast adds too reach the scheduler, so /product/scheduler/* knows every task
    announceTask: (t) => publishTask(bus, t),
  });
  const port = cfg.grpcPort!;
  return {
    modules: [InternalGrpcModule.register({ memory: core.memory, service: 'ingestion' })],
    probe: {
      health: true,
      describe: () => ({ embedder: core.embedder.id, dimension: core.embedder.dimension, grpc_port: port }),
    },
    microservice: grpcServerOptions({ host: cfg.host, port, services: INTERNAL_GRPC_SERVICES['ingestion'] }),
    start: async () => {
      lc.onShutdown('drain background work', () => core.memory.drain());
      lc.onShutdown('close bus', () => bus.close());
      lc.onShutdown('close stores', () => core.close());
      // boot recovery before serving, so it never races this service's own writes and deletes: writes a
      // crash left half-indexed are finished, raw memories left pending (maybe never published) go out again
      await core.memory
        .recover()
        .then(({ reindexed, resumed }) => {
          if (reindexed) log.warn(`finished indexing ${reindexed} memories interrupted by a previous crash`);
          if (resumed) log.warn(`republished ${resumed} raw memories left pending by a previous run`);
        })
        .catch((err: unknown) => log.warn(`boot recovery failed: ${(err as Error).message}`));
    },
    banner: (url) => `ingestion gRPC on ${cfg.host}:${port}; probes on ${url}`,
  };
});
