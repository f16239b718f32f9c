export * from './grpc';
export * from './kafka';
