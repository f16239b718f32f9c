import { FILTER_FIELD_TYPES, numberOf, parseInstant } from './filter-values';
import { FILTERABLE_FIELDS } from './memory-item';

describe('filter value types', () => {
  it('every filterable memory field has a type (and only those)', () => {
    expect(new Set(Object.keys(FILTER_FIELD_TYPES))).toEqual(FILTERABLE_FIELDS);
  });

  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T12:00', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31 12:00:05', '2026-01-31T12:00:05.000Z'],
    ['2026-01-31T12:00:05.123456Z', '2026-01-31T12:00:05.123Z'],
    ['2026-01-31T12:00:05.1Z', '2026-01-31T12:00:05.100Z'],
    ['2026-01-31T12:00:00+05:30', '2026-01-31T06:30:00.000Z'],
    ['2026-01-31T12:00:00-0100', '2026-01-31T13:00:00.000Z'],
    ['2026-01-31T00:00:00+01', '2026-01-30T23:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    [' 2026-01-31T00:00:00.000Z ', '2026-01-31T00:00:00.000Z'],
  ])('parseInstant(%j) = %s', (text, iso) => {
    expect(parseInstant(text)).toBe(iso);
  });

  it.each([
    'not-a-date',
    '',
    '2026',
    '2026-1-5',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T00:00:00+24:00',
    'Jan 5 2026',
    '1',
  ])('parseInstant(%j) = null', (text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('numbers: finite numbers and decimal strings only', () => {
    expect(numberOf(0.5)).toBe(0.5);
    expect(numberOf('-1.5e3')).toBe(-1500);
    expect(numberOf(' 7 ')).toBe(7);
    for (const v of ['', ' ', 'abc', '0x10', 'Infinity', '1e999', true, null, [1], Number.NaN]) {
      expect(numberOf(v)).toBeNull();
    }
  });
});
