import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseFilter, ValidationError, NotFoundError, type FilterNode } from '@engram/domain';
import { addMessage, parseDeleteFilter, toDeleteCommand, type MemoryApi } from '@engram/memory-core';
import type { Request } from 'express';
import { ok } from '../http/envelope';
import { parseBody } from '../http/parse';
import { idempotencyKeyOf, tenantOf } from '../http/tenant';
import { GATEWAY_OPTIONS, MEMORY_SERVICE, type GatewayOptions } from '../tokens';
import { searchData } from './buckets';
import { toWire } from './format';
import { toAddCommand, toSearchCommand } from './requests';
import {
  AddRequestSchema,
  DeleteMemoryRequestSchema,
  GetByIdsSchema,
  GetMemoryRequestSchema,
  SearchRequestSchema,
} from './schemas';

const TYPE_GROUPS = {
  text_mem: ['WorkingMemory', 'LongTermMemory', 'UserMemory', 'OuterMemory', 'RawFileMemory'],
  pref_mem: ['PreferenceMemory'],
  tool_mem: ['ToolSchemaMemory', 'ToolTrajectoryMemory'],
  skill_mem: ['SkillMemory'],
} as const;

/** MemOS's open-source `/product/*` routes over the memory core. */
@ApiTags('product')
@Controller('product')
export class ProductController {
  constructor(
    @Inject(MEMORY_SERVICE) private readonly memory: MemoryApi,
    @Inject(GATEWAY_OPTIONS) private readonly opts: GatewayOptions,
  ) {}

  @Post('add')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add memories from messages (fast mode: token windows, no LLM)' })
  async add(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(AddRequestSchema, body);
    const cmd = toAddCommand(b, tenantOf(req, this.opts.defaultTenant), idempotencyKeyOf(req, b.idempotency_key));
    const r = await this.memory.add(cmd);
    return ok(r.memories, addMessage(r), {
      task_id: r.task_id,
      task_status: r.task_status,
      ...(r.refused_ids?.length ? { refused_ids: r.refused_ids } : {}),
    });
  }

  @Post('search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hybrid search (BM25 + vector + graph) with fusion, threshold and dedup' })
  async search(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(SearchRequestSchema, body);
    if (b.internet_search) throw new ValidationError('internet_search is not supported by this server');
    const outcome = await this.memory.search(toSearchCommand(b, tenantOf(req, this.opts.defaultTenant)));
    const note = b.mode === 'fast' ? 'Search completed successfully' : `Search completed successfully (mode ${b.mode} served as fast: no LLM configured)`;
    return ok(searchData(outcome, b.include_preference), note, { took_ms: Math.round(outcome.took_ms * 100) / 100 });
  }

  @Post('get_memory')
  @HttpCode(200)
  @ApiOperation({ summary: 'List a cube\'s memories, newest first; page/page_size optional (none = all)' })
  async getMemory(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(GetMemoryRequestSchema, body);
    const tenant = tenantOf(req, this.opts.defaultTenant);
    const filter = parseFilter(b.filter ?? null);
    const wanted: (keyof typeof TYPE_GROUPS)[] = [
      'text_mem',
      ...(b.include_preference ? (['pref_mem'] as const) : []),
      ...(b.include_tool_memory ? (['tool_mem'] as const) : []),
      ...(b.include_skill_memory ? (['skill_mem'] as const) : []),
    ];
    const data: Record<string, unknown> = { text_mem: [], pref_mem: [], tool_mem: [], skill_mem: [] };
    for (const group of wanted) {
      const typeFilter: FilterNode = { kind: 'cmp', field: 'memory_type', op: 'in', value: [...TYPE_GROUPS[group]] };
      const r = await this.memory.getMemories({
        tenant_id: tenant,
        cube_ids: [b.mem_cube_id],
        filter: filter ? { kind: 'and', children: [typeFilter, filter] } : typeFilter,
        ...(b.page ? { page: b.page } : {}),
        ...(b.page_size ? { page_size: b.page_size } : {}),
      });
      data[group] = [{ cube_id: b.mem_cube_id, memories: r.items.map((m) => toWire(m)), total_nodes: r.total }];
    }
    return ok(data, 'Memories retrieved successfully');
  }

  @Get('get_memory/:memory_id')
  @ApiOperation({ summary: 'One memory by id' })
  async getOne(@Req() req: Request, @Param('memory_id') memoryId: string) {
    const [item] = await this.memory.getByIds(tenantOf(req, this.opts.defaultTenant), [memoryId]);
    if (!item) throw new NotFoundError(`Memory with ID ${memoryId} not found`);
    return ok(toWire(item), 'Memory retrieved successfully');
  }

  @Post('get_memory_by_ids')
  @HttpCode(200)
  @ApiOperation({ summary: 'Memories by ids (a JSON list of ids, or {memory_ids})' })
  async getByIds(@Req() req: Request, @Body() body: unknown) {
    const ids = parseBody(GetByIdsSchema, body);
    const items = await this.memory.getByIds(tenantOf(req, this.opts.defaultTenant), ids);
    return ok(items.map((m) => toWire(m)), 'Memories retrieved successfully');
  }

  @Post('delete_memory')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete by memory_ids, or by filter / user_id / session_id within writable cubes' })
  async delete(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(DeleteMemoryRequestSchema, body);
    const tenant = tenantOf(req, this.opts.defaultTenant);
    const filter = parseDeleteFilter(b.filter);
    const deleted = await this.memory.delete(toDeleteCommand({ ...b, filter }, tenant));
    return ok({ status: 'success', deleted: deleted.length, memory_ids: deleted }, 'Memories deleted successfully');
  }
}
