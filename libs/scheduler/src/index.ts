export * from './task-events';
export * from './task-views';
export * from './dead-letters';
export * from './dead-letter-view';
export * from './dead-letter-replay';
