import { type DynamicModule, Module } from '@nestjs/common';
import { GRPC_HEALTH_OPTIONS, type GrpcHealthOptions } from '../tokens';
import { GrpcHealthController } from './health.controller';
import { GrpcHealthRegistry } from './health-registry';

/**
 * `grpc.health.v1.Health` for any app: import it with the services the app serves, add
 * `HEALTH_SERVICE_NAME` to its gRPC server, and inject GrpcHealthRegistry to change a status.
 */
@Module({})
export class GrpcHealthModule {
  static register(options: GrpcHealthOptions): DynamicModule {
    return {
      module: GrpcHealthModule,
      controllers: [GrpcHealthController],
      providers: [{ provide: GRPC_HEALTH_OPTIONS, useValue: options }, GrpcHealthRegistry],
      exports: [GrpcHealthRegistry],
    };
  }
}
