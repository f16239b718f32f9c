import { indexText, matchExpression, tokenize } from './tokenizer';

describe('tokenizer', () => {
  it('segments CJK runs with jieba and splits the rest on non-word characters', () => {
    expect(tokenize('我住在一家连锁酒店')).toEqual(expect.arrayContaining(['连锁', '酒店']));
    expect(tokenize("Hello, World! it's café-au-lait")).toEqual([
      'hello',
      'world',
      'it',
      's',
      'café',
      'au',
      'lait',
    ]);
    expect(tokenize('用 PostgreSQL 做数据库')).toEqual(expect.arrayContaining(['postgresql', '数据库']));
    expect(indexText('A,b')).toBe('a b');
  });

  it('builds quoted OR expressions without stopwords or FTS syntax', () => {
    expect(matchExpression('the Zephyr AND "lizard"')).toBe('"zephyr" OR "lizard"');
    expect(matchExpression('NEAR(a b) OR c*')).toBe('"near" OR "b" OR "c"');
    expect(matchExpression('the of and ?!')).toBeNull();
    expect(matchExpression('')).toBeNull();
  });
});
