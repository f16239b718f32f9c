import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMemory } from '@engram/testing';
import { openEmbeddedStores } from './factory';

describe('openEmbeddedStores', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-stores-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens all four stores on one database and reopens them', async () => {
    const dataDir = join(dir, 'data');
    const scope = { tenant_id: 'default', cube_ids: ['cube-a'] };
    const item = makeMemory({ memory: 'I stayed at a 连锁酒店 in Paris' });
    const vector = Float32Array.from({ length: 8 }, (_, i) => i + 1);

    const stores = await openEmbeddedStores({ dataDir, dimension: 8 });
    await stores.records.upsert([item]);
    await stores.lexical.upsert([
      { id: item.id, tenant_id: 'default', cube_id: 'cube-a', text: item.memory },
    ]);
    await stores.vectors.upsert([{ id: item.id, tenant_id: 'default', cube_id: 'cube-a', vector }]);
    await stores.graph.upsertEdges([
      { tenant_id: 'default', cube_id: 'cube-a', from: item.id, to: 'entity:paris', type: 'MENTIONS' },
    ]);
    await stores.close();

    const again = await openEmbeddedStores({ dataDir, dimension: 8 });
    try {
      expect(await again.records.getByIds([item.id])).toEqual([item]);
      expect((await again.lexical.search(scope, '酒店', 5))[0]?.id).toBe(item.id);
      expect((await again.vectors.search(scope, vector, 1))[0]?.id).toBe(item.id);
      expect(await again.graph.memoriesMentioning(scope, ['entity:paris'], 5)).toEqual([
        { memory_id: item.id, matched: 1 },
      ]);
    } finally {
      await again.close();
    }
  });
});
