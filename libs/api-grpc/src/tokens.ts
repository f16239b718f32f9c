/** DI tokens: the composition root (an app) binds them to concrete instances. */
export const GRPC_MEMORY_SERVICE = Symbol('GRPC_MEMORY_SERVICE');
export const GRPC_GATEWAY_OPTIONS = Symbol('GRPC_GATEWAY_OPTIONS');
export const GRPC_HEALTH_OPTIONS = Symbol('GRPC_HEALTH_OPTIONS');

export interface GrpcGatewayOptions {
  /** Tenant used when a call names none (metadata `x-engram-tenant`). */
  defaultTenant: string;
}

export interface GrpcHealthOptions {
  /** Fully qualified names of the services this process serves (reported SERVING besides ""). */
  services: string[];
}

export const MEMORY_SERVICE_NAME = 'engram.v1.MemoryService';
export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';
