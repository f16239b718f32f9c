import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError, ValidationError } from '@engram/domain';
import type { TaskRecord, TaskTracker } from '@engram/memory-core';
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

  @Get('scheduler/task_queue_status')
  @ApiOperation({
    summary: "A user's queue: tasks running (pending) and waiting (remaining), per cube and label",
  })
  taskQueueStatus(@Query('user_id') userId?: string) {
    if (!userId) throw new ValidationError('user_id is required');
    const mine = this.tasks.list({ user_id: userId });
    const running = mine.filter((t) => t.status === 'in_progress');
    const waiting = mine.filter((t) => t.status === 'waiting');
    const detail = (t: TaskRecord) => ({
      task_id: t.task_id,
      label: t.label,
      mem_cube_ids: t.cube_ids,
      status: t.status,
      created_at: t.created_at,
      updated_at: t.updated_at,
    });
    const cubes = [...new Set(mine.flatMap((t) => t.cube_ids))];
    return ok({
      user_id: userId,
      user_name: userId,
      mem_cube_id: cubes[0] ?? userId,
      // MemOS keys its Redis streams user:cube:label; here they name the same queues
      stream_keys: [
        ...new Set(
          [...running, ...waiting].flatMap((t) => t.cube_ids.map((c) => `${userId}:${c}:${t.label}`)),
        ),
      ],
      users_count: new Set(this.tasks.list().map((t) => t.user_id)).size,
      pending_tasks_count: running.length,
      remaining_tasks_count: waiting.length,
      pending_tasks_detail: running.map(detail),
      remaining_tasks_detail: waiting.map(detail),
    });
  }

  @Get('scheduler/wait/stream')
  @ApiOperation({
    summary: 'Server-sent progress events until a user/cube has no running tasks (or the timeout)',
  })
  async schedulerWaitStream(
    @Res() res: Response,
    @Query('user_name') userName?: string,
    @Query('timeout_seconds') timeout?: string,
    @Query('poll_interval') poll?: string,
  ): Promise<void> {
    const secs = timeoutSeconds(timeout);
    const every = poll === undefined ? 0.5 : Number(poll);
    if (!Number.isFinite(every) || every < 0.05 || every > 60)
      throw new ValidationError('poll_interval must be in [0.05, 60] seconds');
    const filter = userName ? { cube_id: userName } : {};
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
      const summary = this.tasks.summary(filter);
      if (summary.pending === 0) {
        send('idle', summary);
        break;
      }
      if (Date.now() >= deadline) {
        send('timeout', summary);
        break;
      }
      send('progress', summary);
      await this.tasks.waitIdle(filter, Math.min(every * 1000, Math.max(0, deadline - Date.now())));
      if (closed) return;
    }
    res.end();
  }

  @Post('scheduler/wait')
  @HttpCode(200)
  @ApiOperation({ summary: 'Wait until a user/cube has no running tasks' })
  async schedulerWait(@Query('user_name') userName?: string, @Query('timeout_seconds') timeout?: string) {
    const secs = timeoutSeconds(timeout);
    const filter = userName ? { cube_id: userName } : {};
    const state = await this.tasks.waitIdle(filter, secs * 1000);
    return ok(this.tasks.summary(filter), state);
  }
}

function timeoutSeconds(raw: string | undefined): number {
  const secs = raw === undefined ? 120 : Number(raw);
  if (!Number.isFinite(secs) || secs < 0 || secs > 3600)
    throw new ValidationError('timeout_seconds must be in [0, 3600]');
  return secs;
}
