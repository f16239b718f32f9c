// The generated gRPC types and service definitions (from proto/, by scripts/gen-proto.mjs).
export * from './generated/engram/v1/memory';
export * from './generated/engram/v1/internal';
export * from './generated/grpc/health/v1/health';
