import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, ValidationError } from '@engram/domain';
import type { TaskTracker } from '@engram/memory-core';
import { ok } from '../http/envelope';
import { TASK_TRACKER } from '../tokens';

/**
 * MemOS `/product/scheduler/*` over a task tracker: the gateway binds its memory service's tracker,
 * the cluster's scheduler service a tracker fed from task events.
 */
@ApiTags('product')
@Controller('product')
export class SchedulerController {
  constructor(@Inject(TASK_TRACKER) private readonly tasks: TaskTracker) {}

  @Get('scheduler/status')
  @ApiOperation({ summary: 'Task status by user and/or task id' })
  schedulerStatus(@Query('user_id') userId?: string, @Query('task_id') taskId?: string) {
    const tasks = this.tasks.list({
      ...(userId ? { user_id: userId } : {}),
      ...(taskId ? { task_id: taskId } : {}),
    });
    if (taskId && !tasks.length) throw new NotFoundError(`task ${taskId} not found`);
    return ok(
      tasks.map((t) => ({ task_id: t.task_id, status: t.status, ...(t.error ? { error: t.error } : {}) })),
    );
  }

  @Get('scheduler/allstatus')
  @ApiOperation({ summary: 'Task counts by status' })
  schedulerAll() {
    const s = this.tasks.summary();
    return ok({ scheduler_summary: s, all_tasks_summary: s });
  }

  @Post('scheduler/wait')
  @HttpCode(200)
  @ApiOperation({ summary: 'Wait until a user/cube has no running tasks' })
  async schedulerWait(@Query('user_name') userName?: string, @Query('timeout_seconds') timeout?: string) {
    const secs = timeout === undefined ? 120 : Number(timeout);
    if (!Number.isFinite(secs) || secs < 0 || secs > 3600)
      throw new ValidationError('timeout_seconds must be in [0, 3600]');
    const filter = userName ? { cube_id: userName } : {};
    const state = await this.tasks.waitIdle(filter, secs * 1000);
    return ok(this.tasks.summary(filter), state);
  }
}
