import { ValidationError } from '@engram/domain';
import type { MemoryRecordStore } from '@engram/ports';
import type { DeleteCommand } from '../commands';
import type { Indexer } from '../indexer';
import type { ReadMemories } from './read-memories';

/** Ids per removal (every index, then the record store's tombstones). */
const DELETE_BATCH = 500;

/** Deletes by ids or by filter within cubes; deletes are final (the record store tombstones the ids). */
export class DeleteMemories {
  constructor(private readonly deps: { records: MemoryRecordStore; indexer: Indexer; read: ReadMemories }) {}

  /** Returns the ids removed. */
  async execute(cmd: DeleteCommand): Promise<string[]> {
    let ids: string[];
    if (cmd.kind === 'ids') {
      if (!cmd.ids.length) throw new ValidationError('memory_ids is empty');
      const found = await this.deps.read.getByIds(cmd.tenant_id, cmd.ids);
      ids = found.filter((m) => !cmd.cube_ids || cmd.cube_ids.includes(m.cube_id)).map((m) => m.id);
    } else {
      if (!cmd.cube_ids?.length) throw new ValidationError('a filter delete needs writable_cube_ids');
      const { items } = await this.deps.records.list({
        tenant_id: cmd.tenant_id,
        cube_ids: cmd.cube_ids,
        filter: cmd.filter,
        statuses: ['activated', 'resolving', 'archived', 'deleted'],
      });
      ids = items.map((m) => m.id);
    }
    for (let i = 0; i < ids.length; i += DELETE_BATCH)
      await this.deps.indexer.remove(ids.slice(i, i + DELETE_BATCH));
    return ids;
  }
}
