import { type DynamicModule, Module } from '@nestjs/common';
import { HealthService, IngestionServiceService, RetrievalServiceService } from '@engram/contracts';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { MemoryService } from '@engram/memory-core';
import { GrpcHealthModule } from '../health/health.module';
import { IngestionGrpcController, RetrievalGrpcController } from './internal.controller';
import { GRPC_MEMORY_SERVICE, HEALTH_SERVICE_NAME } from '../tokens';

export const INGESTION_SERVICE_NAME = 'engram.v1.IngestionService';
export const RETRIEVAL_SERVICE_NAME = 'engram.v1.RetrievalService';

/** What each internal service serves over gRPC (for `grpcServerOptions`). */
export const INTERNAL_GRPC_SERVICES: Record<'ingestion' | 'retrieval', Record<string, ServiceDefinition>> = {
  ingestion: { [INGESTION_SERVICE_NAME]: IngestionServiceService, [HEALTH_SERVICE_NAME]: HealthService },
  retrieval: { [RETRIEVAL_SERVICE_NAME]: RetrievalServiceService, [HEALTH_SERVICE_NAME]: HealthService },
};

/** One internal gRPC service (internal.proto) plus gRPC health, over the memory core. */
@Module({})
export class InternalGrpcModule {
  static register(deps: { memory: MemoryService; service: 'ingestion' | 'retrieval' }): DynamicModule {
    const ingestion = deps.service === 'ingestion';
    return {
      module: InternalGrpcModule,
      imports: [
        GrpcHealthModule.register({
          services: [ingestion ? INGESTION_SERVICE_NAME : RETRIEVAL_SERVICE_NAME],
        }),
      ],
      controllers: [ingestion ? IngestionGrpcController : RetrievalGrpcController],
      providers: [{ provide: GRPC_MEMORY_SERVICE, useValue: deps.memory }],
    };
  }
}
