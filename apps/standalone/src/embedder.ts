// The embedder factory is shared with the cluster services (libs/runtime).
export { buildEmbedder } from '@engram/runtime';
