import { type CalendarDate, formatDate } from './calendar';
import { resolveRelativeDate } from './relative-date';

export interface EventTime {
  value: string | null;
  source: 'model' | 'resolver' | null;
}

const NONE = new Set(['', 'null', 'none', 'unknown', 'n/a', 'na', '无', '未知', '不详']);

/**
 * Normalises the model's event_time to an ISO date (YYYY-MM-DD, or YYYY-MM / YYYY when that is all
 * it gave; a datetime with a zone becomes a full ISO instant). A relative expression in the field,
 * or none at all, is resolved against the anchor from the memory's own text.
 */
export function normaliseEventTime(
  raw: string | null,
  memoryText: string,
  anchor: CalendarDate | null,
): EventTime {
  const s = (raw ?? '').trim();
  if (!NONE.has(s.toLowerCase())) {
    const iso = isoFromModel(s);
    if (iso) return { value: iso, source: 'model' };
    const rel = anchor ? resolveRelativeDate(s, anchor) : null;
    if (rel) return { value: rel.date, source: 'resolver' };
  }
  const fromText = anchor ? resolveRelativeDate(memoryText, anchor) : null;
  return fromText ? { value: fromText.date, source: 'resolver' } : { value: null, source: null };
}

function isoFromModel(s: string): string | null {
  let m = s.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) return validDate(+m[1]!, +m[2]!, +m[3]!);
  m = s.match(/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i);
  if (m) {
    // A zoned instant is exact; a bare local time keeps only its date (the zone is unknown).
    if (m[6]) {
      const t = Date.parse(s.replace(' ', 'T'));
      return Number.isNaN(t) ? null : new Date(t).toISOString();
    }
    return validDate(+m[1]!, +m[2]!, +m[3]!);
  }
  m = s.match(/^(\d{4})-(\d{2})$/);
  if (m) return +m[2]! >= 1 && +m[2]! <= 12 ? s : null;
  if (/^\d{4}$/.test(s)) return s;
  m = s.match(/^(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?$/);
  if (m) return validDate(+m[1]!, +m[2]!, +m[3]!);
  return null;
}

function validDate(y: number, mo: number, d: number): string | null {
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return formatDate({ year: y, month: mo, day: d });
}
