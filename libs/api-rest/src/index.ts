export * from './rest-api.module';
export * from './tokens';
export * from './openapi';
export * from './scheduler/scheduler.module';
