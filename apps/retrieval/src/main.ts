import { Logger } from '@nestjs/common';
import { grpcServerOptions, INTERNAL_GRPC_SERVICES, InternalGrpcModule } from '@engram/api-grpc';
import { openCore } from '@engram/runtime';
import {
  createServiceApp,
  createServiceMetrics,
  loadServiceConfig,
  ServiceLifecycle,
  useServiceLogger,
} from '@engram/platform';

/**
 * Hybrid search as a service: engram.v1.RetrievalService (internal.proto) over gRPC, on the cluster
 * stores (BM25 from OpenSearch, vectors from Milvus, graph from Neo4j, fused and diversified).
 */
async function main(): Promise<void> {
  const cfg = loadServiceConfig('retrieval', process.env);
  useServiceLogger(cfg);
  const log = new Logger('retrieval');
  const lc = new ServiceLifecycle('retrieval');
  lc.exitOnSignals(cfg.shutdownTimeoutMs);
  const core = await openCore(cfg, {});
  const describe = () => ({
    embedder: core.embedder.id,
    dimension: core.embedder.dimension,
    grpc_port: cfg.grpcPort,
  });
  const app = await createServiceApp(
    cfg,
    lc,
    [InternalGrpcModule.register({ memory: core.memory, service: 'retrieval' })],
    {
      health: true,
      describe,
    },
    createServiceMetrics(cfg), // no bus: HTTP latency, errors and process metrics
  );
  lc.onShutdown('close stores', () => core.close());
  const port = cfg.grpcPort!;
  app.connectMicroservice(
    grpcServerOptions({ host: cfg.host, port, services: INTERNAL_GRPC_SERVICES['retrieval'] }),
  );
  await app.startAllMicroservices();
  await app.listen(cfg.port, cfg.host);
  lc.markReady();
  log.log(`retrieval gRPC on ${cfg.host}:${port}; probes on ${await app.getUrl()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
