import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { MemoryApi } from '@engram/memory-core';
import { CloudController } from './cloud/cloud.controller';
import { HealthController } from './health.controller';
import { EnvelopeErrorFilter } from './http/error-filter';
import { ProductController } from './product/product.controller';
import { SchedulerController } from './scheduler/scheduler.controller';
import {
  GATEWAY_OPTIONS,
  MEMORY_SERVICE,
  SCHEDULER_OPTIONS,
  TASK_TRACKER,
  type GatewayOptions,
} from './tokens';

/**
 * The REST gateway: MemOS `/product/*` (the scheduler routes over the memory core's own tracker too),
 * cloud-style routes, `/health`. Apps bind the service.
 */
@Module({})
export class RestApiModule {
  static register(deps: { memory: MemoryApi; options: GatewayOptions }): DynamicModule {
    const providers: Provider[] = [
      { provide: MEMORY_SERVICE, useValue: deps.memory },
      { provide: GATEWAY_OPTIONS, useValue: deps.options },
      { provide: TASK_TRACKER, useValue: deps.memory.tasks },
      { provide: SCHEDULER_OPTIONS, useValue: { defaultTenant: deps.options.defaultTenant } },
      { provide: APP_FILTER, useClass: EnvelopeErrorFilter },
    ];
    return {
      module: RestApiModule,
      controllers: [ProductController, SchedulerController, CloudController, HealthController],
      providers,
    };
  }
}
