import { type DynamicModule, type INestApplication, Logger, Module } from '@nestjs/common';
import { GrpcApiModule, grpcServerOptions, MEMORY_GRPC_SERVICES } from '@engram/api-grpc';
import type { MemoryService } from '@engram/memory-core';
import type { StandaloneConfig } from './config';

@Module({})
class StandaloneModule {}

/** The HTTP modules alone, or with the gRPC gateway beside them when a gRPC port is configured. */
export function withGrpc(cfg: StandaloneConfig, memory: MemoryService, http: DynamicModule): DynamicModule {
  if (cfg.grpcPort === undefined) return http;
  const grpc = GrpcApiModule.register({ memory, options: { defaultTenant: cfg.defaultTenant } });
  return { module: StandaloneModule, imports: [http, grpc] };
}

/** Starts the gRPC server (MemoryService + health) on host:grpcPort; `app.close()` stops it. */
export async function startGrpc(app: INestApplication, cfg: StandaloneConfig): Promise<void> {
  if (cfg.grpcPort === undefined) return;
  app.connectMicroservice(
    grpcServerOptions({ host: cfg.host, port: cfg.grpcPort, services: MEMORY_GRPC_SERVICES }),
  );
  try {
    await app.startAllMicroservices();
  } catch (err) {
    throw new Error(`gRPC server could not listen on ${cfg.host}:${cfg.grpcPort}: ${(err as Error).message}`);
  }
  new Logger('standalone').log(`gRPC listening on ${cfg.host}:${cfg.grpcPort}`);
}
