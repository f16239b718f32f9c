export * from './embedder';
export * from './fine-mode';
export * from './cluster';
export * from './bus';
export * from './raw-input-dispatcher';
export * from './raw-input-consumer';
export * from './core';
