import { type DynamicModule, Module } from '@nestjs/common';
import type { MemoryApi } from '@engram/memory-core';
import { GrpcHealthModule } from './health/health.module';
import { MemoryGrpcController } from './memory.controller';
import {
  GRPC_GATEWAY_OPTIONS,
  GRPC_MEMORY_SERVICE,
  MEMORY_SERVICE_NAME,
  type GrpcGatewayOptions,
} from './tokens';

/**
 * The public gRPC API (`engram.v1.MemoryService`) plus gRPC health. Apps bind the service, import this
 * module next to their HTTP modules, and connect a gRPC server with `grpcServerOptions`.
 */
@Module({})
export class GrpcApiModule {
  static register(deps: { memory: MemoryApi; options: GrpcGatewayOptions }): DynamicModule {
    return {
      module: GrpcApiModule,
      imports: [GrpcHealthModule.register({ services: [MEMORY_SERVICE_NAME] })],
      controllers: [MemoryGrpcController],
      providers: [
        { provide: GRPC_MEMORY_SERVICE, useValue: deps.memory },
        { provide: GRPC_GATEWAY_OPTIONS, useValue: deps.options },
      ],
    };
  }
}
