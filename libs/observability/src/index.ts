export * from './metrics';
export * from './metrics.module';
export * from './readiness';
export * from './request-context';
export * from './json-logger';
