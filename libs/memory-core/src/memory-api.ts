import type { MemoryService } from './memory-service';

/**
 * What the API layers (REST, gRPC) need from the memory core. The standalone app and the services bind
 * a MemoryService; the cluster gateway may bind one whose add and search go to the ingestion and
 * retrieval services.
 */
export type MemoryApi = Pick<
  MemoryService,
  'add' | 'search' | 'getMemories' | 'getByIds' | 'delete' | 'tasks'
>;
