import { toAddedMemory, type AddCommand, type AddResult } from '../commands';
import type { TaskTracker } from '../task-tracker';
import type { WrittenAdd } from './fast-write';
import type { ExtractionStrategy } from './extraction-strategy';
import type { FineExtraction } from './fine-extraction';

/**
 * `async_mode=sync` + `mode=fine` with a local extractor: the add answers with the fine memories once
 * they are stored (with the raw ones when extraction produced none).
 */
export class InlineExtraction implements ExtractionStrategy {
  readonly name = 'inline';

  constructor(private readonly deps: { fine: FineExtraction; tasks: TaskTracker }) {}

  extracts(cmd: AddCommand): boolean {
    return cmd.mode === 'fine';
  }

  async afterWrite(add: WrittenAdd): Promise<AddResult> {
    const { task } = add;
    const { fine } = await this.deps.fine.run({
      ...task,
      // every id the add returned: the run itself keeps only those still pending
      raw_ids: add.memories.map((m) => m.memory_id),
      custom_tags: add.customTags,
    });
    return {
      memories: fine.length ? fine.map(toAddedMemory) : add.memories,
      task_id: task.task_id,
      task_status: this.deps.tasks.get(task.tenant_id, task.task_id)?.status ?? 'completed',
      replayed: false,
      ...(add.refused.length ? { refused_ids: add.refused } : {}),
    };
  }
}
