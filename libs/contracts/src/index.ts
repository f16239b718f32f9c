export * from './grpc';
export * from './kafka';
export * from './codec/memory-item';
export * from './codec/internal';
