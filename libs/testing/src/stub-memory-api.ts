import { TaskTracker, type MemoryApi } from '@engram/memory-core';

/** A jest-mocked memory core: each use case a mock, so an edge spec sees the exact command it was given. */
export function stubMemoryApi() {
  return {
    add: jest.fn<ReturnType<MemoryApi['add']>, Parameters<MemoryApi['add']>>(),
    search: jest.fn<ReturnType<MemoryApi['search']>, Parameters<MemoryApi['search']>>(),
    getMemories: jest.fn<ReturnType<MemoryApi['getMemories']>, Parameters<MemoryApi['getMemories']>>(),
    getByIds: jest.fn<ReturnType<MemoryApi['getByIds']>, Parameters<MemoryApi['getByIds']>>(),
    delete: jest.fn<ReturnType<MemoryApi['delete']>, Parameters<MemoryApi['delete']>>(),
    tasks: new TaskTracker(),
  } satisfies MemoryApi;
}

export type StubMemoryApi = ReturnType<typeof stubMemoryApi>;

const USE_CASES = ['add', 'search', 'getMemories', 'getByIds', 'delete'] as const;

/** How many use-case calls reached the stub (a refused request must leave it at 0). */
export const coreCalls = (memory: StubMemoryApi): number =>
  USE_CASES.reduce((n, k) => n + memory[k].mock.calls.length, 0);

/** Forgets every recorded call and scripted answer. */
export function resetCore(memory: StubMemoryApi): void {
  for (const k of USE_CASES) memory[k].mockReset();
}
