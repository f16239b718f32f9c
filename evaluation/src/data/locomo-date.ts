const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Parses LoCoMo's `h:mm am/pm on D Month, YYYY` as UTC (as MemOS's ingestion does). */
export function parseLocomoDate(text: string): Date {
  const m = /^(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})$/i.exec(text.trim());
  const month = m ? MONTHS.indexOf((m[5] as string).toLowerCase()) : -1;
  if (!m || month < 0) throw new Error(`unparseable LoCoMo date: ${JSON.stringify(text)}`);
  const hour12 = Number(m[1]) % 12;
  const hour = (m[3] as string).toLowerCase() === 'pm' ? hour12 + 12 : hour12;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}
