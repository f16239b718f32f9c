import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { grpcServerOptions, INTERNAL_GRPC_SERVICES, InternalGrpcModule } from '@engram/api-grpc';
import type { MemoryService } from '@engram/memory-core';

/**
 * Test support: the ingestion and retrieval internal gRPC servers over one memory core, on the given
 * ports (what the two services serve, in this process).
 */
export function startInternalServers(
  memory: MemoryService,
  ports: { ingestion: number; retrieval: number },
): Promise<INestMicroservice[]> {
  return Promise.all(
    (['ingestion', 'retrieval'] as const).map(async (service) => {
      const app = await NestFactory.createMicroservice(InternalGrpcModule.register({ memory, service }), {
        ...grpcServerOptions({
          host: '127.0.0.1',
          port: ports[service],
          services: INTERNAL_GRPC_SERVICES[service],
        }),
        logger: false,
      });
      await app.listen();
      return app;
    }),
  );
}
