export * from './gateway.module';
export * from './tokens';
export * from './openapi';
export * from './scheduler/scheduler.module';
