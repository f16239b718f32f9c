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

  it('ranks the same with a term in most docs (no BM25 weight), and still fills the list with its matches', async () => {
    const docs = Array.from({ length: 12 }, (_, i) => ({
      id: `d${String(i).padStart(2, '0')}`,
      tenant_id: 't',
      cube_id: i % 3 === 0 ? 'other' : 'c',
      text: `note ${i} from 2023${i === 4 ? ' about the lighthouse' : ''}${i === 7 ? ' lighthouse keeper lighthouse' : ''}`,
    }));
    await index.upsert(docs);
    const hits = await index.search(scope, 'lighthouse in 2023', 5);
    expect(hits.slice(0, 2).map((h) => h.id)).toEqual(['d07', 'd04']);
    // Fewer informative matches than the limit: the year-only docs of the scope follow, none of 'other'.
    expect(hits.map((h) => h.id)).toHaveLength(5);
    expect(hits.every((h) => !['d00', 'd03', 'd06', 'd09'].includes(h.id))).toBe(true);
    expect((await index.search(scope, '2023', 20)).map((h) => h.id).sort()).toEqual(
      docs.filter((d) => d.cube_id === 'c').map((d) => d.id),
    );
    expect(await index.search({ tenant_id: 't', cube_ids: ['other'] }, 'lighthouse', 5)).toEqual([]);
  });

  it('closes idempotently', async () => {
    await index.close();
    await index.close();
  });
});
