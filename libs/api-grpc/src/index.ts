export * from './grpc-api.module';
export * from './health/health.module';
export * from './health/health-registry';
export * from './server-options';
export * from './errors';
export * from './tokens';
export * from './internal/internal.module';
export { toMemoryItem } from './format';
export { fromIngestRequest, fromSearchRequest } from './internal/codec';
