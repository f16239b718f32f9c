/** A wall-clock date, free of time zones: "yesterday" is about the speaker's calendar, not UTC. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatDate(d: CalendarDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(d: CalendarDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

function valid(year: number, month: number, day: number): CalendarDate | null {
  const t = new Date(Date.UTC(year, month - 1, day));
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day
    ? { year, month, day }
    : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const monthIndex = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

/**
 * The sender's calendar date from a chat_time. An ISO string's written date is used as is (it is
 * the sender's local date when an offset is given); other formats seen in chat logs are parsed
 * ("2025/6/13", "2025年6月13日", "1:56 pm on 8 May, 2023", "May 8, 2023"), then Date.parse (UTC).
 */
export function parseAnchor(chatTime: string | null | undefined): CalendarDate | null {
  if (!chatTime) return null;
  const s = chatTime.trim();
  let m = s.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/) ?? s.match(/(\d{4})年(\d{1,2})月(\d{1,2})[日号]/);
  if (m) return valid(+m[1]!, +m[2]!, +m[3]!);
  m = s.match(/\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b/);
  if (m && monthIndex(m[2]!) > 0) return valid(+m[3]!, monthIndex(m[2]!), +m[1]!);
  m = s.match(/\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/);
  if (m && monthIndex(m[1]!) > 0) return valid(+m[3]!, monthIndex(m[1]!), +m[2]!);
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
