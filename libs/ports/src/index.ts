export * from './scope';
export * from './record-store';
export * from './lexical-index';
export * from './vector-index';
export * from './graph-store';
export * from './embedder';
export * from './llm';
export * from './bus';
