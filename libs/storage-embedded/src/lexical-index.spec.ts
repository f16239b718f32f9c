import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLexicalIndexConformance } from '@engram/testing';
import { SqliteLexicalIndex } from './lexical-index';

describeLexicalIndexConformance('SqliteLexicalIndex', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engram-lexical-'));
  const path = join(dir, 'engram.db');
  return {
    index: new SqliteLexicalIndex(path),
    reopen: async () => new SqliteLexicalIndex(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteLexicalIndex specifics', () => {
  let dir: string;
  let index: SqliteLexicalIndex;
  const scope = { tenant_id: 't', cube_ids: ['c'] };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-lexical-'));
    index = new SqliteLexicalIndex(join(dir, 'engram.db'));
  });
  afterEach(async () => {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns nothing for a query made only of stopwords', async () => {
    await index.upsert([{ id: 'a', tenant_id: 't', cube_id: 'c', text: 'the cat is on the mat 我的猫' }]);
    expect(await index.search(scope, 'the is on', 5)).toEqual([]);
    expect(await index.search(scope, '我的', 5)).toEqual([]);
    expect((await index.search(scope, 'the cat', 5)).map((h) => h.id)).toEqual(['a']);
  });

  it('folds diacritics and full-width forms', async () => {
    await index.upsert([
      { id: 'a', tenant_id: 't', cube_id: 'c', text: 'Café au lait at the CAFÉ; ＡＢＣ corp' },
    ]);
    expect((await index.search(scope, 'cafe', 5)).map((h) => h.id)).toEqual(['a']);
    expect((await index.search(scope, 'abc', 5)).map((h) => h.id)).toEqual(['a']);
  });

  it('closes idempotently', async () => {
    await index.close();
    await index.close();
  });
});
