export * from './fixtures';
export * from './conformance/embedder.conformance';
