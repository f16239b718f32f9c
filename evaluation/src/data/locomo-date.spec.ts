import { parseLocomoDate } from './locomo-date';

describe('parseLocomoDate', () => {
  it('parses h:mm am/pm on D Month, YYYY as UTC', () => {
    expect(parseLocomoDate('1:56 pm on 8 May, 2023').toISOString()).toBe('2023-05-08T13:56:00.000Z');
    expect(parseLocomoDate('12:06 am on 11 November, 2022').toISOString()).toBe('2022-11-11T00:06:00.000Z');
    expect(parseLocomoDate('12:30 pm on 1 January, 2024').toISOString()).toBe('2024-01-01T12:30:00.000Z');
  });

  it('rejects anything else', () => {
    expect(() => parseLocomoDate('yesterday')).toThrow(/unparseable/);
    expect(() => parseLocomoDate('1:56 pm on 8 Maytember, 2023')).toThrow(/unparseable/);
  });
});
