import { parseLocomo } from './locomo';
import { tinyLocomo } from './locomo.fixture';
import { selectConversations, selectQuestions } from './select';

describe('parseLocomo', () => {
  const [conv] = parseLocomo(tinyLocomo);

  it('orders sessions numerically and ignores date keys without a session', () => {
    expect(conv?.sessions.map((s) => s.index)).toEqual([1, 2]);
    expect(conv?.turns.map((t) => t.diaId)).toEqual(['D1:1', 'D1:2', 'D2:1']);
  });

  it('renders turns with the speaker and image caption, timed one second apart', () => {
    expect(conv?.turns[0]).toEqual({ diaId: 'D1:1', session: 1, speaker: 'Ann', content: 'Ann: I went hiking yesterday.', chatTime: '2023-05-01T13:56:00.000Z' });
    expect(conv?.turns[1]?.chatTime).toBe('2023-05-01T13:56:01.000Z');
    expect(conv?.turns[2]?.content).toBe('Bob: I adopted a dog. [shares a photo of a dog]');
  });

  it('resolves evidence and keeps the answer as a string', () => {
    expect(conv?.questions.map((q) => q.evidence)).toEqual([['D1:1'], ['D2:1', 'D1:2'], [], ['D2:1'], ['D1:1']]);
    expect(conv?.questions[4]?.answer).toBe('2023');
    expect(conv?.questions[4]?.droppedEvidence).toEqual(['D9:9']);
    expect(conv?.questions[3]?.answer).toBeUndefined();
  });
});

describe('selection', () => {
  const convs = parseLocomo([tinyLocomo[0], { ...tinyLocomo[0], sample_id: 'conv-y' }]);

  it('selects conversations by count or id', () => {
    expect(selectConversations(convs, undefined).map((c) => c.id)).toEqual(['conv-x', 'conv-y']);
    expect(selectConversations(convs, '1').map((c) => c.id)).toEqual(['conv-x']);
    expect(selectConversations(convs, 'conv-y').map((c) => c.id)).toEqual(['conv-y']);
    expect(() => selectConversations(convs, 'conv-z')).toThrow(/unknown conversation/);
  });

  it('limits questions round-robin over categories, in file order', () => {
    const qs = convs[0]?.questions ?? [];
    expect(selectQuestions(qs, 3).map((q) => q.category)).toEqual([2, 3, 1]);
    expect(selectQuestions(qs, undefined)).toHaveLength(5);
  });
});
