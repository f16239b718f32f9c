export * from './memory-item';
export * from './ids';
export * from './errors';
export * from './filter';
export * from './text';
export * from './messages';
export * from './limits';
export * from './safe-text';
