import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NotFoundError } from '@engram/domain';
import type { TaskTracker } from '@engram/memory-core';
import { taskQueueView, taskStatusView } from '@engram/scheduler';
import { ok } from '../http/envelope';
import { tenantOf } from '../http/tenant';
import { SCHEDULER_OPTIONS, TASK_TRACKER, type SchedulerOptions } from '../tokens';
import {
  ApiQueries,
  numberParam,
  POLL_INTERVAL,
  QUEUE_USER_ID,
  TASK_ID,
  textParam,
  TIMEOUT_SECONDS,
  USER_ID,
  USER_NAME,
} from './scheduler-query';

const BAD_QUERY = 'A query parameter is out of its documented range, or the tenant header is malformed';

/**
 * MemOS `/product/scheduler/*` over a task tracker: the gateway binds its memory service's tracker,
 * the cluster's scheduler service a tracker fed from task events. Every route sees only the tasks of
 * the caller's tenant (header `x-engram-tenant`, else the configured default).
 */
@ApiTags('product')
@Controller('product')
export class SchedulerController {
  constructor(
    @Inject(TASK_TRACKER) private readonly tasks: TaskTracker,
    @Inject(SCHEDULER_OPTIONS) private readonly opts: SchedulerOptions,
  ) {}

  private tenant(req: Request): string {
    return tenantOf(req, this.opts.defaultTenant);
  }

  @Get('scheduler/status')
  @ApiOperation({ summary: 'Task status by user and/or task id' })
  @ApiQueries(USER_ID, TASK_ID)
  @ApiOkResponse({ description: 'The matching tasks of the tenant' })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  @ApiNotFoundResponse({ description: 'task_id names no task of the tenant' })
  schedulerStatus(
    @Req() req: Request,
    @Query('user_id') rawUserId?: unknown,
    @Query('task_id') rawTaskId?: unknown,
  ) {
    const userId = textParam(rawUserId, USER_ID);
    const taskId = textParam(rawTaskId, TASK_ID);
    const tasks = this.tasks.list(this.tenant(req), {
      ...(userId !== undefined ? { user_id: userId } : {}),
      ...(taskId !== undefined ? { task_id: taskId } : {}),
    });
    if (taskId !== undefined && !tasks.length) throw new NotFoundError(`task ${taskId} not found`);
    return ok(taskStatusView(tasks));
  }

  @Get('scheduler/allstatus')
  @ApiOperation({ summary: "Task counts by status (the caller's tenant)" })
  @ApiOkResponse({ description: 'Counts by status' })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  schedulerAll(@Req() req: Request) {
    const s = this.tasks.summary(this.tenant(req));
    return ok({ scheduler_summary: s, all_tasks_summary: s });
  }

  @Get('scheduler/task_queue_status')
  @ApiOperation({
    summary: "A user's queue: tasks running (pending) and waiting (remaining), per cube and label",
  })
  @ApiQueries(QUEUE_USER_ID)
  @ApiOkResponse({ description: "The user's queue; users_count counts the tenant's users" })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  taskQueueStatus(@Req() req: Request, @Query('user_id') rawUserId?: unknown) {
    const userId = textParam(rawUserId, QUEUE_USER_ID);
    return ok(taskQueueView(this.tasks, this.tenant(req), userId));
  }

  @Get('scheduler/wait/stream')
  @ApiOperation({
    summary: 'Server-sent progress events until a user/cube has no running tasks (or the timeout)',
  })
  @ApiQueries(USER_NAME, TIMEOUT_SECONDS, POLL_INTERVAL)
  @ApiOkResponse({
    description: 'Events `progress`, then `idle` or `timeout`, each with the counts',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  async schedulerWaitStream(
    @Req() req: Request,
    @Res() res: Response,
    @Query('user_name') rawUserName?: unknown,
    @Query('timeout_seconds') rawTimeout?: unknown,
    @Query('poll_interval') rawPoll?: unknown,
  ): Promise<void> {
    const tenant = this.tenant(req);
    const cube = textParam(rawUserName, USER_NAME);
    const secs = numberParam(rawTimeout, TIMEOUT_SECONDS);
    const every = numberParam(rawPoll, POLL_INTERVAL);
    const filter = cube !== undefined ? { cube_id: cube } : {};
    res
      .status(200)
      .set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    let closed = false;
    res.on('close', () => (closed = true));
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const deadline = Date.now() + secs * 1000;
    for (;;) {
      const summary = this.tasks.summary(tenant, filter);
      if (summary.pending === 0) {
        send('idle', summary);
        break;
      }
      if (Date.now() >= deadline) {
        send('timeout', summary);
        break;
      }
      send('progress', summary);
      await this.tasks.waitIdle(tenant, filter, Math.min(every * 1000, Math.max(0, deadline - Date.now())));
      if (closed) return;
    }
    res.end();
  }

  @Post('scheduler/wait')
  @HttpCode(200)
  @ApiOperation({ summary: 'Wait until a user/cube has no running tasks' })
  @ApiQueries(USER_NAME, TIMEOUT_SECONDS)
  @ApiOkResponse({ description: 'The counts, with message `idle` or `timeout`' })
  @ApiBadRequestResponse({ description: BAD_QUERY })
  async schedulerWait(
    @Req() req: Request,
    @Query('user_name') rawUserName?: unknown,
    @Query('timeout_seconds') rawTimeout?: unknown,
  ) {
    const tenant = this.tenant(req);
    const cube = textParam(rawUserName, USER_NAME);
    const secs = numberParam(rawTimeout, TIMEOUT_SECONDS);
    const filter = cube !== undefined ? { cube_id: cube } : {};
    const state = await this.tasks.waitIdle(tenant, filter, secs * 1000);
    return ok(this.tasks.summary(tenant, filter), state);
  }
}
