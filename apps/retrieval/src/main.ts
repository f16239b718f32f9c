import { grpcServerOptions, INTERNAL_GRPC_SERVICES, InternalGrpcModule } from '@engram/api-grpc';
import { bootstrapService } from '@engram/platform';
import { openCore } from '@engram/runtime';

/**
 * Hybrid search as a service: engram.v1.RetrievalService (internal.proto) over gRPC, on the cluster
 * stores (BM25 from OpenSearch, vectors from Milvus, graph from Neo4j, fused and diversified). No bus:
 * its metrics are HTTP latency, errors and the process's.
 */
bootstrapService('retrieval', async ({ cfg, lifecycle: lc }) => {
  const core = await openCore(cfg, {});
  const port = cfg.grpcPort!;
  return {
    modules: [InternalGrpcModule.register({ memory: core.memory, service: 'retrieval' })],
    probe: {
      health: true,
      describe: () => ({ embedder: core.embedder.id, dimension: core.embedder.dimension, grpc_port: port }),
    },
    microservice: grpcServerOptions({ host: cfg.host, port, services: INTERNAL_GRPC_SERVICES['retrieval'] }),
    start: () => lc.onShutdown('close stores', () => core.close()),
    banner: (url) => `retrieval gRPC on ${cfg.host}:${port}; probes on ${url}`,
  };
});
