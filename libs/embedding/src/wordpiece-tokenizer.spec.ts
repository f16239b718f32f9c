import { describeWithModel } from './model-gate.spec-helper';
import { TOKEN_ID_REFERENCE } from './reference.fixture';
import { loadWordPieceTokenizer, WordPieceTokenizer } from './wordpiece-tokenizer';

const TOY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'un',
  '##aff',
  '##able',
  'hello',
  ',',
  '!',
  '我',
  '好',
  'cafe',
];
const toy = () => new WordPieceTokenizer({ vocab: new Map(TOY_VOCAB.map((t, i) => [t, i])) });
const pieces = (t: WordPieceTokenizer, s: string) => t.tokenize(s).map((id) => TOY_VOCAB[id]);

describe('WordPieceTokenizer (toy vocabulary)', () => {
  it('splits words greedily into ## pieces', () => {
    expect(pieces(toy(), 'unaffable')).toEqual(['un', '##aff', '##able']);
  });
  it('lowercases, strips accents and isolates punctuation', () => {
    expect(pieces(toy(), 'HELLO,Café!')).toEqual(['hello', ',', 'cafe', '!']);
  });
  it('makes each CJK character its own word', () => {
    expect(pieces(toy(), '我好')).toEqual(['我', '好']);
  });
  it('maps a word with an unmatchable piece to a single [UNK]', () => {
    expect(pieces(toy(), 'unaffablex hello')).toEqual(['[UNK]', 'hello']);
  });
  it('wraps in [CLS]/[SEP] and truncates to maxLength', () => {
    expect(toy().encode('hello hello hello', 4).ids).toEqual([2, 7, 7, 3]);
    expect(toy().encode('').ids).toEqual([2, 3]);
  });
  it('drops control characters and maps whitespace to spaces', () => {
    expect(pieces(toy(), 'hel\u0007lo\thello\u200b')).toEqual(['hello', 'hello']);
  });
});

describeWithModel('WordPieceTokenizer vs Python tokenizers', (modelDir) => {
  let fromJson: WordPieceTokenizer;
  beforeAll(() => {
    fromJson = loadWordPieceTokenizer(modelDir);
  });
  it.each(TOKEN_ID_REFERENCE.map((r) => [r.text.slice(0, 40), r] as const))(
    'matches reference ids: %s',
    (_label, ref) => {
      expect(fromJson.encode(ref.text, 100_000).ids).toEqual(ref.ids);
    },
  );
});
