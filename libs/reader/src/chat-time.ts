/**
 * Which chat_time strings are times. Clients send many shapes: ISO 8601, "YYYY-MM-DD HH:MM:SS",
 * "2023/5/8 13:56", "05/08/2023", "2023年5月8日 13:56", LoCoMo's "1:56 pm on 8 May, 2023", RFC 2822, "May 8, 2023",
 * unix seconds or milliseconds. Only a string with no date in it ("not-a-date") is refused; the value
 * is kept as sent (it is rendered into windows and prompts as is).
 */
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?\\s*(?:[ap]\\.?m\\.?)?';
const ZONE = '(?:z|utc|gmt|[+-]\\d{2}(?::?\\d{2})?)';

const EPOCH = /^\d{1,13}(?:\.\d+)?$/;
/** Year first: ISO 8601 / SQL (`-`), `/` or `.` separated, optionally followed by a clock and a zone. */
const YEAR_FIRST = new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})(?:[t\\s]+${CLOCK})?\\s*${ZONE}?$`, 'i');
/** Day or month first, year last ("05/08/2023", "8.5.2023 13:56"). */
const YEAR_LAST = new RegExp(`^(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})(?:[t\\s,]+${CLOCK})?\\s*${ZONE}?$`, 'i');
const CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]\s*(?:[上下中晚早]午|晚上|凌晨)?\s*(?:\d{1,2}(?::\d{2}(?::\d{2})?|[时点](?:\d{1,2}分?)?(?:\d{1,2}秒)?))?$/;
/** Dates with a month name ("8 May, 2023", "May 8, 2023", RFC 2822), optionally with a clock around them. */
const NAMED_MONTH = new RegExp(`\\b${MONTH}(?![a-z])`, 'i');
const YEAR = /\b\d{4}\b/;

function validDate(year: number, month: number, day: number): boolean {
  const t = new Date(Date.UTC(year, month - 1, day));
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
}

/** True when `value` reads as a point in time in one of the shapes above. */
export function isChatTime(value: string): boolean {
  const s = value.trim();
  if (!s || s.length > 64) return false;
  if (EPOCH.test(s)) return true;
  const ymd = YEAR_FIRST.exec(s) ?? CHINESE.exec(s);
  if (ymd) return validDate(+ymd[1]!, +ymd[2]!, +ymd[3]!);
  const dmy = YEAR_LAST.exec(s);
  if (dmy) return validDate(+dmy[3]!, +dmy[2]!, +dmy[1]!) || validDate(+dmy[3]!, +dmy[1]!, +dmy[2]!);
  // Month-name dates: LoCoMo's "1:56 pm on 8 May, 2023" is Date.parse'd without its "<clock> on" head.
  const dated = s.replace(new RegExp(`^${CLOCK}\\s+on\\s+`, 'i'), '');
  return NAMED_MONTH.test(dated) && YEAR.test(dated) && !Number.isNaN(Date.parse(dated));
}
