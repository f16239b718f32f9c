export * from './lexical-index';
