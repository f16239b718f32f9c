import { queryTerms, tokenize } from './tokenize';

describe('tokenize / queryTerms', () => {
  it('lowercases, splits on non-word characters and segments CJK with jieba', () => {
    expect(tokenize('Hello, WORLD!')).toEqual(['hello', 'world']);
    expect(tokenize('我住在一家连锁酒店')).toEqual(expect.arrayContaining(['连锁', '酒店']));
    expect(tokenize('用 PostgreSQL 做数据库')).toEqual(expect.arrayContaining(['postgresql', '数据库']));
    expect(tokenize('ＡＢＣ')).toEqual(['abc']); // NFKC folds full-width letters
  });

  it('drops stopwords and duplicates from queries, keeps first-seen order', () => {
    expect(queryTerms('What is the Zephyr zephyr lizard?')).toEqual(['zephyr', 'lizard']);
    expect(queryTerms('the of and')).toEqual([]);
    expect(queryTerms('，。！？')).toEqual([]);
  });
});
