import type { MemoryItem } from '@engram/domain';
import type { AddCommand, AddedMemory, AddResult } from '../commands';
import type { TaskTracker } from '../task-tracker';
import type { WrittenAdd } from './fast-write';

/** Raw memories a previous run left pending extraction, grouped by their task (boot recovery). */
export interface PendingExtraction {
  taskId: string;
  items: MemoryItem[];
  cubeIds: string[];
  customTags: string[];
}

/**
 * One way an add's raw memories reach fine extraction: `inline` (extracted before the add answers),
 * `background` (in this process, after it answers), `dispatched` (published to the mem-reader), or
 * `none` (no fine mode here).
 */
export interface ExtractionStrategy {
  readonly name: 'none' | 'inline' | 'background' | 'dispatched';
  /**
   * Whether this add is extracted (its raw memories are then written pending). Throws
   * UnavailableError for a mode this core cannot serve, before anything is validated or written.
   */
  extracts(cmd: AddCommand): boolean;
  /**
   * After the fast write: the add's answer, or null when nothing is left to extract (every window was
   * refused, or only files): the add then completes as a fast one.
   */
  afterWrite(add: WrittenAdd): Promise<AddResult | null>;
  /** Hands raw memories a crash left pending back to extraction (absent: this one never resumes). */
  resume?(pending: PendingExtraction): void;
  /** Stops retries in flight (shutdown); what is still pending stays pending for the next boot. */
  stop?(): void;
}

/** The raw memories of an add that extraction works from: files are stored as they are. */
export function pendingRaw(add: WrittenAdd): AddedMemory[] {
  return add.memories.filter((m) => m.memory_type !== 'RawFileMemory');
}

/** The add's task becomes the extraction's (`mem_read`), waiting for it. */
export function markWaiting(tasks: TaskTracker, add: WrittenAdd, raw: number): void {
  tasks.upsert({ ...add.task, label: 'mem_read', status: 'waiting', detail: { raw } });
}
