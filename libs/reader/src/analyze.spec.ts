import { contentTerms, extractEntities, tokenize } from './analyze';

describe('text analysis', () => {
  it('tokenises English and drops punctuation', () => {
    expect(tokenize("Caroline's dog, Max!")).toEqual(['caroline', 's', 'dog', 'max']);
  });
  it('segments Chinese with jieba', () => {
    const t = tokenize('我喜欢住在连锁酒店');
    expect(t).toContain('酒店');
  });
  it('content terms drop stopwords', () => {
    expect(contentTerms('What did the user eat in Paris?')).toEqual(['eat', 'paris']);
  });
  it('extracts capitalised entities and Chinese words', () => {
    expect(extractEntities('Caroline went to Paris with Melanie. Paris was lovely.')).toEqual(
      expect.arrayContaining(['caroline', 'paris', 'melanie']),
    );
    expect(extractEntities('我上周去了北京出差')).toContain('北京');
  });
});
