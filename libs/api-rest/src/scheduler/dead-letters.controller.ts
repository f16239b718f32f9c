import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ok } from '../http/envelope';
import { DEAD_LETTERS } from '../tokens';
import type { DeadLetterApi } from '@engram/scheduler';
import { parseLimit, parseReplayRequest } from './dead-letter-requests';

/** The scheduler's dead letters: what failed after its last attempt, and replaying it. */
@ApiTags('product')
@Controller('product/scheduler/dead_letters')
export class DeadLettersController {
  constructor(@Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterApi) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, newest first (optionally of one source topic)' })
  list(@Query('source_topic') sourceTopic?: string, @Query('limit') limit?: string) {
    return ok(
      this.deadLetters.list({
        ...(sourceTopic ? { source_topic: sourceTopic } : {}),
        limit: parseLimit(limit),
      }),
    );
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Republish dead letters (by ids, or all of a source topic) to their source topic, once each',
  })
  async replay(@Body() body: unknown) {
    return ok(await this.deadLetters.replay(parseReplayRequest(body)));
  }
}
