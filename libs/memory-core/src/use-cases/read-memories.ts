import { DEFAULT_PAGE_SIZE, ValidationError, type MemoryItem } from '@engram/domain';
import type { MemoryRecordStore } from '@engram/ports';
import type { GetMemoriesCommand, GetMemoriesResult } from '../commands';

const MAX_IDS = 10_000;

/** Reads from the system of record: a cube's memories (newest first, paged) and memories by id. */
export class ReadMemories {
  constructor(private readonly deps: { records: MemoryRecordStore }) {}

  async getMemories(cmd: GetMemoriesCommand): Promise<GetMemoriesResult> {
    const paged = cmd.page !== undefined || cmd.page_size !== undefined;
    const page = cmd.page ?? 1;
    const size = cmd.page_size ?? DEFAULT_PAGE_SIZE;
    if (paged && (page < 1 || size < 1)) throw new ValidationError('page and page_size must be >= 1');
    return this.deps.records.list({
      tenant_id: cmd.tenant_id,
      cube_ids: cmd.cube_ids,
      filter: cmd.filter,
      ...(paged ? { offset: (page - 1) * size, limit: size } : {}),
    });
  }

  /** The tenant's memories among `ids`, in the order asked; others' and missing ids are left out. */
  async getByIds(tenantId: string, ids: string[]): Promise<MemoryItem[]> {
    if (ids.length > MAX_IDS) throw new ValidationError(`at most ${MAX_IDS} ids per request`);
    const items = await this.deps.records.getByIds(ids);
    const byId = new Map(items.filter((i) => i.tenant_id === tenantId).map((i) => [i.id, i]));
    return ids.map((id) => byId.get(id)).filter((i): i is MemoryItem => Boolean(i));
  }
}
