export * from './tokens';
export * from './steps';
export * from './normalize-messages';
export * from './windowing';
export * from './analyze';
