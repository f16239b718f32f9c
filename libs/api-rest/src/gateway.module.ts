import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { MemoryApi, TaskTracker } from '@engram/memory-core';
import type { DeadLetterApi } from '@engram/scheduler';
import { CloudController } from './cloud/cloud.controller';
import { HealthController } from './health.controller';
import { EnvelopeErrorFilter } from './http/error-filter';
import { DeadLettersController } from './product/dead-letters.controller';
import { ProductController } from './product/product.controller';
import { SchedulerController } from './product/scheduler.controller';
import {
  DEAD_LETTERS,
  GATEWAY_OPTIONS,
  MEMORY_SERVICE,
  SCHEDULER_OPTIONS,
  TASK_TRACKER,
  type GatewayOptions,
  type SchedulerOptions,
} from './tokens';

/** The REST gateway: MemOS `/product/*`, cloud-style routes, `/health`. Apps bind the service. */
@Module({})
export class GatewayModule {
  static register(deps: { memory: MemoryApi; options: GatewayOptions }): DynamicModule {
    const providers: Provider[] = [
      { provide: MEMORY_SERVICE, useValue: deps.memory },
      { provide: GATEWAY_OPTIONS, useValue: deps.options },
      { provide: TASK_TRACKER, useValue: deps.memory.tasks },
      { provide: SCHEDULER_OPTIONS, useValue: { defaultTenant: deps.options.defaultTenant } },
      { provide: APP_FILTER, useClass: EnvelopeErrorFilter },
    ];
    return {
      module: GatewayModule,
      controllers: [ProductController, SchedulerController, CloudController, HealthController],
      providers,
    };
  }
}

/**
 * The scheduler routes alone (`/product/scheduler/*`, MemOS envelope), over a given task tracker; a
 * request sees its tenant's tasks (`defaultTenant` when it names none).
 */
@Module({})
export class SchedulerModule {
  static register(deps: { tasks: TaskTracker } & SchedulerOptions): DynamicModule {
    return {
      module: SchedulerModule,
      controllers: [SchedulerController],
      providers: [
        { provide: TASK_TRACKER, useValue: deps.tasks },
        { provide: SCHEDULER_OPTIONS, useValue: { defaultTenant: deps.defaultTenant } },
        { provide: APP_FILTER, useClass: EnvelopeErrorFilter },
      ],
    };
  }
}

/**
 * `/product/scheduler/dead_letters` (list, replay) over a dead-letter view: the scheduler service
 * registers it next to `SchedulerModule`.
 */
@Module({})
export class DeadLetterModule {
  static register(deps: { deadLetters: DeadLetterApi }): DynamicModule {
    return {
      module: DeadLetterModule,
      controllers: [DeadLettersController],
      providers: [
        { provide: DEAD_LETTERS, useValue: deps.deadLetters },
        { provide: APP_FILTER, useClass: EnvelopeErrorFilter },
      ],
    };
  }
}
