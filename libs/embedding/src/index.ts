export * from './vector';
export * from './wordpiece-tokenizer';
export * from './model-files';
export * from './onnx-embedder';
export * from './openai-embedder';
export * from './hashing-embedder';
export * from './cached-embedder';
export * from './factory';
