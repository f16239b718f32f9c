export * from './gateway.module';
export * from './tokens';
export * from './openapi';
export * from './product/dead-letters';
export * from './http/body';
