export * from './fixtures';
export * from './conformance/embedder.conformance';
export * from './conformance/harness';
export * from './conformance/record-store.conformance';
export * from './conformance/lexical-index.conformance';
export * from './conformance/vector-index.conformance';
export * from './conformance/graph-store.conformance';
export * from './fake-openai';
