export * from './commands';
export * from './memory-service';
export * from './task-tracker';
export * from './indexer';
export * from './keyed-mutex';
export * from './fast-memories';
export * from './fine-pipeline';
export * from './extraction-dispatch';
