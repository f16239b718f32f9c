import { validCitations } from './citations';

describe('validCitations', () => {
  const ids = ['msg-1', 'msg-2', 'Msg-3'];
  it('keeps known ids in input order, cleaning model decorations', () => {
    expect(validCitations(['msg-2', '"msg-1"', '[msg-2]', 'id=Msg-3'], ids)).toEqual([
      'msg-1',
      'msg-2',
      'Msg-3',
    ]);
    expect(validCitations(['MSG-1'], ids)).toEqual(['msg-1']);
  });
  it('drops ids that are not in the input', () => {
    expect(validCitations(['msg-9', 'm1', ''], ids)).toEqual([]);
  });
});
