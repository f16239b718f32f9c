import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseFilter, ValidationError, type FilterNode, type MemoryItem } from '@engram/domain';
import { addMessage, parseDeleteFilter, type MemoryApi } from '@engram/memory-core';
import type { ScoredMemory } from '@engram/retrieval';
import type { Request } from 'express';
import { ok } from '../http/envelope';
import { parseBody } from '../http/parse';
import { idempotencyKeyOf, tenantOf } from '../http/tenant';
import { resolveFilter } from '../product/requests';
import { GATEWAY_OPTIONS, MEMORY_SERVICE, type GatewayOptions } from '../tokens';
import { AddMessageSchema, DeleteMemorySchema, GetMemorySchema, SearchMemorySchema } from './schemas';

/** The hosted MemOS API's shape of a memory. */
function detail(m: MemoryItem, relativity?: number) {
  return {
    id: m.id,
    memory_key: m.key,
    memory_value: m.memory,
    memory_type: m.memory_type,
    create_time: m.created_at,
    update_time: m.updated_at,
    conversation_id: m.session_id,
    status: m.status,
    confidence: m.confidence,
    tags: m.tags,
    sources: m.sources,
    ...(relativity !== undefined ? { relativity: Math.round(relativity * 1e4) / 1e4 } : {}),
  };
}

/** The cloud-style MemOS routes, mapped onto the same core (cube = user or agent id). */
@ApiTags('cloud')
@Controller()
export class CloudController {
  constructor(
    @Inject(MEMORY_SERVICE) private readonly memory: MemoryApi,
    @Inject(GATEWAY_OPTIONS) private readonly opts: GatewayOptions,
  ) {}

  @Post('add/message')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cloud-style add' })
  async add(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(AddMessageSchema, body);
    const owner = (b.user_id ?? b.agent_id)!;
    const r = await this.memory.add({
      tenant_id: tenantOf(req, this.opts.defaultTenant),
      user_id: owner,
      session_id: b.conversation_id ?? 'default_session',
      cube_ids: [owner],
      messages: b.messages,
      ...(idempotencyKeyOf(req, b.idempotency_key) ? { idempotency_key: idempotencyKeyOf(req, b.idempotency_key)! } : {}),
      ...(b.tags ? { custom_tags: b.tags } : {}),
      info: { ...(b.info ?? {}), ...(b.app_id ? { app_id: b.app_id } : {}), ...(b.source ? { source_label: b.source } : {}) },
      mode: 'fast',
      async_mode: b.async_mode ? 'async' : 'sync',
    });
    const ids = { memory_ids: r.memories.map((m) => m.memory_id), ...(r.refused_ids?.length ? { refused_ids: r.refused_ids } : {}) };
    return ok({ success: true, task_id: r.task_id, status: r.task_status, ...ids }, r.refused_ids?.length ? addMessage(r) : 'ok');
  }

  @Post('search/memory')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cloud-style search' })
  async search(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(SearchMemorySchema, body);
    const owner = (b.user_id ?? b.agent_id)!;
    const cubes = [...new Set([owner, ...(b.knowledgebase_ids ?? [])])];
    const out = await this.memory.search({
      tenant_id: tenantOf(req, this.opts.defaultTenant),
      user_id: owner,
      query: b.query,
      cube_ids: cubes,
      top_k: b.memory_limit_number,
      relativity: b.relativity,
      dedup: 'mmr',
      filter: resolveFilter(b.filter, cubes),
      ...(b.conversation_id ? { session_id: b.conversation_id } : {}),
      include_preference: b.include_preference,
      pref_top_k: b.preference_limit_number,
      search_tool_memory: b.include_tool_memory,
      tool_mem_top_k: b.tool_memory_limit_number,
      include_skill_memory: b.include_skill,
      skill_mem_top_k: b.skill_limit_number,
    });
    const of = (kind: string) =>
      out.buckets
        .filter((x) => x.kind === kind)
        .flatMap((x) => x.memories)
        .sort((x, y) => y.relativity - x.relativity)
        .map((s: ScoredMemory) => detail(s.item, s.relativity));
    return ok({
      memory_detail_list: of('text'),
      preference_detail_list: of('pref'),
      tool_memory_detail_list: of('tool'),
      skill_detail_list: of('skill'),
      profile_detail_list: [],
      event_detail_list: [],
      preference_note: '',
    });
  }

  @Post('get/memory')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cloud-style list (page, size ≤ 50)' })
  async get(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(GetMemorySchema, body);
    const r = await this.memory.getMemories({
      tenant_id: tenantOf(req, this.opts.defaultTenant),
      cube_ids: [(b.user_id ?? b.agent_id)!],
      filter: parseFilter(b.filter ?? null),
      page: b.page,
      page_size: b.size,
    });
    return ok({ memory_detail_list: r.items.map((m) => detail(m)), total: r.total, page: b.page, size: b.size });
  }

  @Post('delete/memory')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cloud-style delete: exactly one of memory_ids, user_id, agent_id, filter' })
  async delete(@Req() req: Request, @Body() body: unknown) {
    const b = parseBody(DeleteMemorySchema, body);
    const given = [b.memory_ids !== undefined, Boolean(b.filter && Object.keys(b.filter).length), Boolean(b.user_id), Boolean(b.agent_id)];
    const tenant = tenantOf(req, this.opts.defaultTenant);
    const owner = b.user_id ?? b.agent_id;
    if (b.memory_ids !== undefined) {
      // a filter beside ids would be silently dropped: refuse it; an owner narrows the ids to its cube
      if (given[1]) throw new ValidationError('give memory_ids or a filter, not both');
      const ids = await this.memory.delete({
        tenant_id: tenant,
        kind: 'ids',
        ids: b.memory_ids,
        ...(owner ? { cube_ids: [owner] } : {}),
      });
      return ok({ success: true, deleted: ids.length });
    }
    if (given.filter(Boolean).length === 0) throw new ValidationError('give one of memory_ids, user_id, agent_id or filter');
    if (!owner) throw new ValidationError('a filter delete needs user_id or agent_id to name the cube');
    const f = parseDeleteFilter(b.filter);
    const all: FilterNode = { kind: 'cmp', field: 'cube_id', op: '=', value: owner };
    const ids = await this.memory.delete({ tenant_id: tenant, kind: 'filter', filter: f ?? all, cube_ids: [owner] });
    return ok({ success: true, deleted: ids.length });
  }
}
