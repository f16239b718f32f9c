export * from './vector-math';
export * from './text-similarity';
export * from './mmr';
export * from './scoring';
export * from './hybrid-searcher';
