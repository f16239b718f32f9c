import { parseAnchor } from './calendar';
import { normaliseEventTime } from './event-time';
import { resolveRelativeDate } from './relative-date';

// 2025-06-11 is a Wednesday.
const wed = { year: 2025, month: 6, day: 11 };
const r = (text: string, anchor = wed) => resolveRelativeDate(text, anchor)?.date ?? null;

describe('resolveRelativeDate', () => {
  it.each([
    ['I went there yesterday', '2025-06-10'],
    ['Today I feel great', '2025-06-11'],
    ['we met last night', '2025-06-10'],
    ['the day before yesterday', '2025-06-09'],
    ['3 days ago', '2025-06-08'],
    ['two weeks ago', '2025-05-28'],
    ['a day ago', '2025-06-10'],
    ['last Friday', '2025-06-06'],
    ['last wed', '2025-06-04'], // same weekday as the anchor: a week back
    ['last Monday', '2025-06-09'],
    ['tomorrow', '2025-06-12'],
  ])('%s', (text, expected) => expect(r(text)).toBe(expected));

  it.each([
    ['我昨天去了杭州', '2025-06-10'],
    ['前天', '2025-06-09'],
    ['大前天', '2025-06-08'], // not read as 前天
    ['今天', '2025-06-11'],
    ['三天前', '2025-06-08'],
    ['十五天前', '2025-05-27'],
    ['2周前', '2025-05-28'],
    ['上周五', '2025-06-06'],
    ['上星期一', '2025-06-02'],
    ['上礼拜天', '2025-06-08'],
    ['明天', '2025-06-12'],
  ])('%s', (text, expected) => expect(r(text)).toBe(expected));

  it('crosses month and year boundaries', () => {
    expect(r('yesterday', { year: 2025, month: 1, day: 1 })).toBe('2024-12-31');
    expect(r('昨天', { year: 2024, month: 3, day: 1 })).toBe('2024-02-29');
  });

  it('resolves the first expression in the text and reports it', () => {
    expect(resolveRelativeDate('Yesterday, not today', wed)).toEqual({
      date: '2025-06-10',
      expression: 'Yesterday',
    });
  });

  it('returns null when there is nothing relative', () => {
    expect(r('The user likes tea.')).toBeNull();
    expect(r('lastly, on Friday')).toBeNull();
  });
});

describe('parseAnchor', () => {
  it.each([
    ['2025-06-11T23:30:00+08:00', '2025-06-11'], // the sender's wall-clock date, not UTC's
    ['2025-06-11 09:00:00', '2025-06-11'],
    ['2025/6/11', '2025-06-11'],
    ['2025年6月11日 上午9点', '2025-06-11'],
    ['1:56 pm on 8 May, 2023', '2023-05-08'], // LoCoMo style
    ['May 8, 2023', '2023-05-08'],
  ])('%s', (input, expected) => {
    const d = parseAnchor(input);
    expect(d && `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`).toBe(
      expected,
    );
  });

  it('rejects what is not a date', () => {
    expect(parseAnchor('soon')).toBeNull();
    expect(parseAnchor(undefined)).toBeNull();
    expect(parseAnchor('2025-02-30')).toBeNull();
  });
});

describe('normaliseEventTime', () => {
  it('keeps ISO dates from the model, reduced precision too', () => {
    expect(normaliseEventTime('2025-06-06', '', wed)).toEqual({ value: '2025-06-06', source: 'model' });
    expect(normaliseEventTime('2025-07', '', wed)).toEqual({ value: '2025-07', source: 'model' });
    expect(normaliseEventTime('2025年6月6日', '', wed)).toEqual({ value: '2025-06-06', source: 'model' });
    expect(normaliseEventTime('2025-06-06T10:00:00+08:00', '', wed).value).toBe('2025-06-06T02:00:00.000Z');
    expect(normaliseEventTime('2025-06-06 10:00', '', wed).value).toBe('2025-06-06');
  });

  it('resolves a relative expression the model left in the field', () => {
    expect(normaliseEventTime('last Friday', '', wed)).toEqual({ value: '2025-06-06', source: 'resolver' });
  });

  it('falls back to the memory text when the model gives none', () => {
    expect(normaliseEventTime(null, '用户昨天去了杭州。', wed)).toEqual({
      value: '2025-06-10',
      source: 'resolver',
    });
    expect(normaliseEventTime('unknown', 'The user went hiking yesterday.', wed)).toEqual({
      value: '2025-06-10',
      source: 'resolver',
    });
    expect(normaliseEventTime(null, 'The user likes tea.', wed)).toEqual({ value: null, source: null });
    expect(normaliseEventTime(null, 'yesterday', null)).toEqual({ value: null, source: null });
  });
});
