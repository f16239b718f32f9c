export * from './tokens';
export * from './normalize-messages';
export * from './windowing';
export * from './analyze';
