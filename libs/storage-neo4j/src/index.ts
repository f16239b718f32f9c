export * from './connection';
export * from './record-store';
export * from './graph-store';
