import { addDays, type CalendarDate, formatDate, weekday } from './calendar';

export interface ResolvedDate {
  /** YYYY-MM-DD */
  date: string;
  /** The expression that was resolved, as found in the text. */
  expression: string;
}

const EN_WEEKDAYS: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};
const ZH_WEEKDAYS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const ZH_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

function enNumber(s: string): number | null {
  return /^\d+$/.test(s) ? Number(s) : (EN_NUMBERS[s.toLowerCase()] ?? null);
}

/** 1–99 in digits or Chinese numerals (三, 十, 十五, 二十三). */
function zhNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = s.match(/^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/);
  if (!m || !s) return null;
  if (!m[2]) return m[1] && !m[3] ? ZH_DIGITS[m[1]]! : null;
  return (m[1] ? ZH_DIGITS[m[1]]! : 1) * 10 + (m[3] ? ZH_DIGITS[m[3]]! : 0);
}

type Rule = { re: RegExp; resolve: (m: RegExpExecArray, anchor: CalendarDate) => CalendarDate | null };

/** The most recent given weekday strictly before the anchor ("last Friday" said on a Friday = a week ago). */
function lastWeekday(anchor: CalendarDate, target: number): CalendarDate {
  const back = (weekday(anchor) - target + 7) % 7 || 7;
  return addDays(anchor, -back);
}

/** 上周X: that weekday in the previous Monday-based calendar week. */
function previousWeekWeekday(anchor: CalendarDate, target: number): CalendarDate {
  const mondayOffset = (weekday(anchor) + 6) % 7;
  const lastMonday = addDays(anchor, -mondayOffset - 7);
  return addDays(lastMonday, (target + 6) % 7);
}

const days = (n: number) => (_m: RegExpExecArray, a: CalendarDate) => addDays(a, n);

const RULES: Rule[] = [
  { re: /\b(?:the\s+)?day\s+before\s+yesterday\b/gi, resolve: days(-2) },
  { re: /\b(?:yesterday|last\s+night)\b/gi, resolve: days(-1) },
  { re: /\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b/gi, resolve: days(0) },
  { re: /\b(?:the\s+)?day\s+after\s+tomorrow\b/gi, resolve: days(2) },
  { re: /\btomorrow\b/gi, resolve: days(1) },
  {
    re: /\b(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week)s?\s+ago\b/gi,
    resolve: (m, a) => {
      const n = enNumber(m[1]!);
      return n === null ? null : addDays(a, -n * (m[2]!.toLowerCase() === 'week' ? 7 : 1));
    },
  },
  {
    re: /\blast\s+(sun(?:day)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?)\b/gi,
    resolve: (m, a) => lastWeekday(a, EN_WEEKDAYS[m[1]!.toLowerCase()]!),
  },
  { re: /大前天/g, resolve: days(-3) },
  { re: /前天/g, resolve: days(-2) },
  { re: /昨天|昨日|昨晚|昨夜/g, resolve: days(-1) },
  { re: /今天|今日|今晚|今早|今天早上/g, resolve: days(0) },
  { re: /明天|明日|明早|明晚/g, resolve: days(1) },
  { re: /后天/g, resolve: days(2) },
  {
    re: /(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(天|日|周|个星期|个礼拜|星期)(?:以)?前/g,
    resolve: (m, a) => {
      const n = zhNumber(m[1]!);
      return n === null ? null : addDays(a, -n * (m[2] === '天' || m[2] === '日' ? 1 : 7));
    },
  },
  {
    re: /上(?:个)?(?:周|星期|礼拜)([一二三四五六日天])/g,
    resolve: (m, a) => previousWeekWeekday(a, ZH_WEEKDAYS[m[1]!]!),
  },
];

/**
 * Deterministic fallback for simple relative dates, used when the model gives no event time.
 * Resolves the earliest expression in the text (the longest at the same position) against the
 * anchor date. Returns null when the text has none.
 */
export function resolveRelativeDate(text: string, anchor: CalendarDate): ResolvedDate | null {
  let best: { index: number; length: number; date: CalendarDate; expression: string } | null = null;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      const better = !best || m.index < best.index || (m.index === best.index && m[0].length > best.length);
      if (better) {
        const date = rule.resolve(m, anchor);
        if (date) best = { index: m.index, length: m[0].length, date, expression: m[0] };
      }
    }
  }
  return best ? { date: formatDate(best.date), expression: best.expression } : null;
}
