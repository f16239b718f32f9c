export * from './embedder';
export * from './fine-mode';
export * from './cluster';
export * from './bus';
export * from './raw-input';
export * from './mem-reader';
export * from './core';
