import { describeEmbedderConformance } from '@engram/testing';
import { HashingEmbedder } from './hashing-embedder';
import { cosine } from './vector';

describeEmbedderConformance('hashing', async () => new HashingEmbedder());

describe('HashingEmbedder', () => {
  const e = new HashingEmbedder({ dimension: 256 });
  const sim = async (a: string, b: string) => {
    const [va, vb] = await e.embed([a, b], 'document');
    return cosine(va, vb);
  };

  it('encodes dimension and n-gram size in its id', () => {
    expect(e.id).toBe('hashing:v1:n3:256');
  });

  it('matches Chinese text through character bigrams', async () => {
    expect(await sim('我喜欢喝咖啡', '咖啡是我最喜欢的饮料')).toBeGreaterThan(
      await sim('我喜欢喝咖啡', '今天股市下跌了'),
    );
  });

  it('matches inflections through character n-grams', async () => {
    expect(await sim('running shoes', 'runner shoe')).toBeGreaterThan(
      await sim('running shoes', 'tax return'),
    );
  });

  it('is case- and width-insensitive', async () => {
    expect(await sim('Hello ＷＯＲＬＤ', 'hello world')).toBeCloseTo(1, 6);
  });

  it('rejects a tiny dimension', () => {
    expect(() => new HashingEmbedder({ dimension: 4 })).toThrow();
  });
});
