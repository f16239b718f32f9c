export * from './sqlite';
export * from './record-store';
export * from './tokenizer';
export * from './lexical-index';
export * from './vector-index';
export * from './graph-store';
export * from './factory';
