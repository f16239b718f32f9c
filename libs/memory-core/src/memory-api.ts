import type { MemoryItem } from '@engram/domain';
import type {
  AddCommand,
  AddResult,
  DeleteCommand,
  GetMemoriesCommand,
  GetMemoriesResult,
  SearchCommand,
  SearchOutcome,
} from './commands';
import type { TaskTracker } from './task-tracker';

/**
 * What the API layers (REST, gRPC) need from the memory core. The standalone app and the services bind
 * a MemoryService (the use cases in-process); the cluster gateway may bind a RemoteMemory, whose writes
 * go to the ingestion service and reads to the retrieval service.
 */
export interface MemoryApi {
  add(cmd: AddCommand): Promise<AddResult>;
  search(cmd: SearchCommand): Promise<SearchOutcome>;
  /** A cube's memories, newest first; paged when `page` or `page_size` is given. */
  getMemories(cmd: GetMemoriesCommand): Promise<GetMemoriesResult>;
  /** The tenant's memories among `ids`, in the order asked. */
  getByIds(tenantId: string, ids: string[]): Promise<MemoryItem[]>;
  /** Deletes by ids or by filter; returns the ids removed. */
  delete(cmd: DeleteCommand): Promise<string[]>;
  /** Task status for the scheduler routes: the core's own tasks, or those folded from task events. */
  readonly tasks: TaskTracker;
}
