/** DI tokens: the composition root (an app) binds them to concrete instances. */
export const MEMORY_SERVICE = Symbol('MEMORY_SERVICE');
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
export const TASK_TRACKER = Symbol('TASK_TRACKER');
export const DEAD_LETTERS = Symbol('DEAD_LETTERS');
export const SCHEDULER_OPTIONS = Symbol('SCHEDULER_OPTIONS');

export interface GatewayOptions {
  service: string;
  version: string;
  /** Tenant used when a request names none (header `x-engram-tenant`). */
  defaultTenant: string;
  /** What /health reports about the components (embedder, stores). */
  describe: () => Record<string, unknown>;
}

export interface SchedulerOptions {
  /** Tenant whose tasks a request sees when it names none (header `x-engram-tenant`). */
  defaultTenant: string;
}
