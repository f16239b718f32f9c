import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { TaskTracker } from '@engram/memory-core';
import type { DeadLetterApi } from '@engram/scheduler';
import { EnvelopeErrorFilter } from '../http/error-filter';
import { DEAD_LETTERS, SCHEDULER_OPTIONS, TASK_TRACKER, type SchedulerOptions } from '../tokens';
import { DeadLettersController } from './dead-letters.controller';
import { SchedulerController } from './scheduler.controller';

/*
 * The scheduler's REST routes (MemOS `/product/scheduler/*` and the dead letters). They live here, at
 * the REST edge, not in libs/scheduler: they share the envelope, error filter, tenant header and
 * OpenAPI with the rest of the API, and the gateway serves the status routes too (RestApiModule). What
 * they answer is the scheduler feature's (task views, DeadLetterApi).
 */

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
