import { deterministicId, type MemoryItem } from '@engram/domain';
import type { WindowExtractor } from '@engram/memory-core';

/** A complete memory item with sensible defaults, for tests. */
export function makeMemory(overrides: Partial<MemoryItem> & { memory: string }): MemoryItem {
  const now = overrides.created_at ?? '2026-01-01T00:00:00.000Z';
  const tenant = overrides.tenant_id ?? 'default';
  const cube = overrides.cube_id ?? 'cube-a';
  return {
    id: overrides.id ?? deterministicId(tenant, cube, overrides.memory),
    tenant_id: tenant,
    cube_id: cube,
    user_id: 'user-1',
    session_id: 'default_session',
    key: overrides.memory.slice(0, 40),
    tags: ['mode:fast'],
    memory_type: 'LongTermMemory',
    status: 'activated',
    sources: [{ type: 'chat', message_id: 'm1', role: 'user', chat_time: now }],
    background: '',
    confidence: 0.99,
    info: {},
    source: 'conversation',
    is_fast: true,
    valid_from: null,
    valid_to: null,
    created_at: now,
    updated_at: now,
    version: 1,
    supersedes: [],
    superseded_by: null,
    supersede_reason: null,
    provenance: { ingest_key: 'test', mode: 'fast' },
    ...overrides,
  };
}

/**
 * An extractor that answers every window with one fact citing the window's first message (the fine
 * path without an LLM).
 */
export function scriptedExtractor(memory = "The user's dog is named Biscuit."): WindowExtractor {
  return {
    extract: async ({ windows }) => ({
      memories: [
        {
          memory,
          key: 'fact',
          memory_type: 'UserMemory',
          tags: ['scripted'],
          valid_from: null,
          sources: [{ type: 'chat', message_id: windows[0]!.messages[0]!.message_id, role: 'user' }],
        },
      ],
      summary: 'scripted',
      model: 'scripted',
      prompt_version: 'test',
    }),
  };
}
