export * from './topics';
export * from './keys';
export * from './events';
export * from './codec';
