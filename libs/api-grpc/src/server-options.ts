import { HealthService, MemoryServiceService } from '@engram/contracts';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import { HEALTH_SERVICE_NAME, MEMORY_SERVICE_NAME } from './tokens';

export interface GrpcServerConfig {
  host: string;
  port: number;
  /** Fully qualified service name → its generated definition (from @engram/contracts). */
  services: Record<string, ServiceDefinition>;
  /** Largest request accepted; grpc-js defaults to 4 MiB, too small for inline images. */
  maxMessageBytes?: number;
}

/** What the public gRPC gateway serves. */
export const MEMORY_GRPC_SERVICES: Record<string, ServiceDefinition> = {
  [MEMORY_SERVICE_NAME]: MemoryServiceService,
  [HEALTH_SERVICE_NAME]: HealthService,
};

/**
 * ts-proto keys methods in lowerCamelCase (`getByIds`); re-key them by the proto rpc name (`GetByIds`,
 * the last segment of the path) so handlers are declared as `@GrpcMethod('MemoryService', 'GetByIds')`.
 */
function byRpcName(def: ServiceDefinition): ServiceDefinition {
  return Object.fromEntries(Object.values(def).map((m) => [m.path.slice(m.path.lastIndexOf('/') + 1), m]));
}

/**
 * Options for `app.connectMicroservice` / `NestFactory.createMicroservice`. The package definition is
 * built from the generated service definitions, so no .proto file is read at run time and
 * (de)serialisation is exactly the generated code (docs/adr/0006-grpc-codegen.md).
 */
export function grpcServerOptions(cfg: GrpcServerConfig): GrpcOptions & { transport: Transport.GRPC } {
  const names = Object.keys(cfg.services);
  const host = cfg.host.includes(':') && !cfg.host.startsWith('[') ? `[${cfg.host}]` : cfg.host;
  return {
    transport: Transport.GRPC,
    options: {
      url: `${host}:${cfg.port}`,
      package: [...new Set(names.map((n) => n.slice(0, n.lastIndexOf('.'))))],
      packageDefinition: Object.fromEntries(names.map((n) => [n, byRpcName(cfg.services[n]!)])),
      // finish in-flight calls on close (health Watch streams end first, see GrpcHealthRegistry)
      gracefulShutdown: true,
      maxReceiveMessageLength: cfg.maxMessageBytes ?? 20 * 1024 * 1024,
    },
  };
}
