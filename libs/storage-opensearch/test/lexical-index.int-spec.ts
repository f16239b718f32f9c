import { describeLexicalIndexConformance, requireServers, uniqueName } from '@engram/testing';
import { OpenSearchLexicalIndex } from '../src';

jest.setTimeout(60_000);

const env = requireServers('OpenSearch', ['ENGRAM_OPENSEARCH_URL']);

if (env) {
  const node = env.ENGRAM_OPENSEARCH_URL;

  // Every test gets its own namespace (index + alias), dropped afterwards.
  describeLexicalIndexConformance('OpenSearchLexicalIndex', async () => {
    const namespace = uniqueName('engram-it').replace(/_/g, '-');
    const open = () => OpenSearchLexicalIndex.open({ node, namespace });
    return {
      index: await open(),
      reopen: open,
      cleanup: async () => {
        const admin = await open();
        try {
          await admin.drop();
        } finally {
          await admin.close();
        }
      },
    };
  });

  describe('OpenSearchLexicalIndex specifics', () => {
    const namespace = uniqueName('engram-it').replace(/_/g, '-');
    let index: OpenSearchLexicalIndex;
    beforeAll(async () => {
      index = await OpenSearchLexicalIndex.open({ node, namespace });
    });
    afterAll(async () => {
      await index.drop();
      await index.close();
    });

    it('creates the index idempotently, concurrently, behind a versioned alias', async () => {
      const again = await Promise.all([1, 2, 3].map(() => OpenSearchLexicalIndex.open({ node, namespace })));
      await Promise.all(again.map((i) => i.close()));
      const { Client } = await import('@opensearch-project/opensearch');
      const client = new Client({ node });
      try {
        const aliases = await client.indices.getAlias({ name: index.alias });
        expect(Object.keys(aliases.body as object)).toEqual([`${namespace}-lexical-v1`]);
        const mapping = await client.indices.getMapping({ index: index.alias });
        const props = Object.values(
          mapping.body as Record<
            string,
            { mappings: { properties: Record<string, { type: string; analyzer?: string }> } }
          >,
        )[0]!.mappings.properties;
        expect(props.text).toMatchObject({ type: 'text', analyzer: 'whitespace' });
        expect(props.tenant_id!.type).toBe('keyword');
        expect(props.cube_id!.type).toBe('keyword');
      } finally {
        await client.close();
      }
    });

    it('makes a write searchable by the time the promise resolves', async () => {
      for (let i = 0; i < 5; i++) {
        await index.upsert([
          { id: `w${i}`, tenant_id: 't', cube_id: 'c', text: `visible immediately marker${i}` },
        ]);
        expect(
          (await index.search({ tenant_id: 't', cube_ids: ['c'] }, `marker${i}`, 5)).map((h) => h.id),
        ).toEqual([`w${i}`]);
      }
      await index.delete(['w0']);
      expect(await index.search({ tenant_id: 't', cube_ids: ['c'] }, 'marker0', 5)).toEqual([]);
    });

    it('small writes force a refresh, large bulks wait for one: both searchable on return', async () => {
      const small = await OpenSearchLexicalIndex.open({
        node,
        namespace: `${namespace}-th`,
        refreshImmediatelyUpTo: 2,
      });
      try {
        const scope = { tenant_id: 't', cube_ids: ['c'] };
        const docs = (tag: string, n: number) =>
          Array.from({ length: n }, (_, i) => ({
            id: `${tag}${i}`,
            tenant_id: 't',
            cube_id: 'c',
            text: `${tag} doc${i}`,
          }));
        await small.upsert(docs('forced', 2)); // refresh=true
        expect((await small.search(scope, 'forced', 10)).map((h) => h.id).sort()).toEqual([
          'forced0',
          'forced1',
        ]);
        await small.upsert(docs('waited', 3)); // wait_for
        expect(await small.search(scope, 'waited', 10)).toHaveLength(3);
        await small.delete(['waited0', 'waited1', 'waited2']); // wait_for
        expect(await small.search(scope, 'waited', 10)).toEqual([]);
        await small.delete(['forced0']); // refresh=true
        expect((await small.search(scope, 'forced', 10)).map((h) => h.id)).toEqual(['forced1']);
      } finally {
        await small.drop();
        await small.close();
      }
    });

    it('reports server failures as plain errors, without the HTTP status of the OpenSearch response', async () => {
      const gone = await OpenSearchLexicalIndex.open({ node, namespace: `${namespace}-gone` });
      await gone.drop();
      const err = await gone
        .search({ tenant_id: 't', cube_ids: ['c'] }, 'anything', 5)
        .catch((e: unknown) => e);
      await gone.close();
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        /OpenSearch search on .*-gone-lexical failed: index_not_found_exception/,
      );
      expect(err).not.toHaveProperty('statusCode');
      expect(err).not.toHaveProperty('status');
    });

    it('keeps the alias and the documents separate after clear (fresh generation)', async () => {
      await index.upsert([{ id: 'g1', tenant_id: 't', cube_id: 'c', text: 'generation one' }]);
      await index.clear();
      expect(await index.count()).toBe(0);
      await index.upsert([{ id: 'g2', tenant_id: 't', cube_id: 'c', text: 'generation two' }]);
      expect(
        (await index.search({ tenant_id: 't', cube_ids: ['c'] }, 'generation', 5)).map((h) => h.id),
      ).toEqual(['g2']);
    });
  });
}
