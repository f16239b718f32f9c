export * from './remote-memory';
export * from './wire';
