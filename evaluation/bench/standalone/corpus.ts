/**
 * Benchmark corpus: LoCoMo dialogue turns paired into 2-message conversations, multiplied by seeded
 * variations (speaker names, places, pets, weekdays, numbers, chat times) so any number of distinct,
 * realistic conversations can be generated deterministically by index.
 */
import { readFileSync } from 'node:fs';
import { locomoFile, repoRoot } from '../../src/util/paths';

/** Bump when the generator changes: a data dir loaded from another version is refused. */
export const CORPUS_VERSION = 'locomo-pairs-v2';

export interface BenchMessage {
  role: 'user';
  content: string;
  chat_time: string;
}

export interface BenchConversation {
  index: number;
  session_id: string;
  messages: BenchMessage[];
}

interface RawTurn {
  speaker: string;
  text: string;
  blip_caption?: string;
}

interface BasePair {
  sample: string;
  session: number;
  speakers: [string, string];
  turns: [RawTurn, RawTurn];
  /** Epoch ms of the first turn (session start + position seconds, as the LoCoMo harness does). */
  start: number;
}

export interface LocomoCorpus {
  pairs: BasePair[];
  questions: string[];
  /** Every speaker name of the data set, replaced in question variants. */
  speakers: string[];
}

// the harness's: ENGRAM_EVAL_DATA, else ../shared/data beside the repo
export { locomoFile, repoRoot };

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** LoCoMo's `h:mm am/pm on D Month, YYYY`, read as UTC. */
function parseLocomoDate(text: string): number {
  const m = /^(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})$/i.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[5]!.toLowerCase()) : -1;
  if (!m || month < 0) throw new Error(`unparseable LoCoMo date: ${JSON.stringify(text)}`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === 'pm' ? 12 : 0);
  return Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]));
}

interface RawSample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: { question: string }[];
}

/** Consecutive turn pairs of every session, and the distinct questions. */
export function loadLocomo(file: string = locomoFile()): LocomoCorpus {
  const samples = JSON.parse(readFileSync(file, 'utf8')) as RawSample[];
  const pairs: BasePair[] = [];
  const questions = new Set<string>();
  const speakers = new Set<string>();
  for (const s of samples) {
    const conv = s.conversation;
    const names: [string, string] = [String(conv['speaker_a']), String(conv['speaker_b'])];
    names.forEach((n) => speakers.add(n));
    const sessions = Object.keys(conv)
      .map((k) => /^session_(\d+)$/.exec(k)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const n of sessions) {
      const turns = conv[`session_${n}`] as RawTurn[];
      const start = parseLocomoDate(String(conv[`session_${n}_date_time`]));
      for (let i = 0; i + 1 < turns.length; i++) {
        pairs.push({
          sample: s.sample_id,
          session: n,
          speakers: names,
          turns: [turns[i]!, turns[i + 1]!],
          start: start + i * 1000,
        });
      }
    }
    for (const qa of s.qa) questions.add(qa.question.trim());
  }
  return { pairs, questions: [...questions], speakers: [...speakers] };
}

// Substitution pools. The LoCoMo speakers' own names are left out so variants read as other people.
// prettier-ignore
const NAMES = ['Aaliyah', 'Aaron', 'Abigail', 'Adam', 'Adrian', 'Aisha', 'Alan', 'Alba', 'Alejandro', 'Alex', 'Alice', 'Amara', 'Amelia', 'Ana', 'Andre', 'Anika', 'Anton', 'Arjun', 'Astrid', 'Ava', 'Beatriz', 'Ben', 'Bianca', 'Boris', 'Camila', 'Carlos', 'Chen', 'Chloe', 'Clara', 'Daniel', 'Dario', 'Dev', 'Diana', 'Diego', 'Elena', 'Eli', 'Elif', 'Emeka', 'Emma', 'Erik', 'Esther', 'Ethan', 'Fatima', 'Felix', 'Fiona', 'Freya', 'Gabriel', 'Grace', 'Hana', 'Hannah', 'Hassan', 'Hugo', 'Ibrahim', 'Ines', 'Ingrid', 'Isaac', 'Isabel', 'Ivan', 'Jade', 'Jamal', 'James', 'Javier', 'Jin', 'Julia', 'Kai', 'Kamal', 'Karin', 'Kenji', 'Kofi', 'Lara', 'Laura', 'Leila', 'Leo', 'Liam', 'Lina', 'Lucas', 'Lucia', 'Luis', 'Maja', 'Malik', 'Marco', 'Mei', 'Mila', 'Mina', 'Miguel', 'Mohammed', 'Nadia', 'Naomi', 'Nia', 'Nikolai', 'Nina', 'Noah', 'Nora', 'Olga', 'Omar', 'Oscar', 'Paolo', 'Paula', 'Priya', 'Rafael', 'Rahul', 'Rania', 'Rosa', 'Ruben', 'Ruth', 'Sakura', 'Sam', 'Samir', 'Sara', 'Sebastian', 'Sofia', 'Sven', 'Tariq', 'Tess', 'Theo', 'Tomas', 'Uma', 'Valentina', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zara', 'Zoe'];
// prettier-ignore
const PLACES = ['Amsterdam', 'Athens', 'Auckland', 'Austin', 'Bangkok', 'Berlin', 'Bogota', 'Boston', 'Brisbane', 'Budapest', 'Cairo', 'Cape Town', 'Copenhagen', 'Denver', 'Dublin', 'Florence', 'Hanoi', 'Helsinki', 'Istanbul', 'Kyoto', 'Lima', 'Lisbon', 'Madrid', 'Marrakesh', 'Melbourne', 'Mexico City', 'Montreal', 'Munich', 'Nairobi', 'Oslo', 'Portland', 'Prague', 'Quebec', 'Reykjavik', 'San Diego', 'Santiago', 'Seoul', 'Singapore', 'Stockholm', 'Sydney', 'Tokyo', 'Toronto', 'Valencia', 'Vancouver', 'Vienna', 'Warsaw', 'Zurich', 'Norway', 'Portugal', 'Japan', 'Canada', 'Mexico', 'Greece', 'Iceland', 'Scotland', 'Peru', 'Vietnam', 'Kenya', 'the Alps', 'the Andes', 'the Rockies'];
const LOCOMO_PLACES = [
  'London',
  'Paris',
  'Rome',
  'England',
  'California',
  'Seattle',
  'Chicago',
  'Edinburgh',
  'Italy',
  'Galway',
  'Barcelona',
  'Sweden',
  'Woodhaven',
  'the Himalayas',
  'Himalayas',
];
const PETS = [
  'Biscuit',
  'Pepper',
  'Milo',
  'Coco',
  'Rocky',
  'Daisy',
  'Loki',
  'Nala',
  'Ziggy',
  'Mochi',
  'Bruno',
  'Hazel',
  'Pickles',
  'Juniper',
];
const LOCOMO_PETS = ['Max', 'Oliver', 'Tilly', 'Luna', 'Bailey'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Nicknames used in the dialogues for each speaker. */
const NICKNAMES: Record<string, string[]> = { Caroline: ['Caro'], Melanie: ['Mel', 'Mell'], Joanna: ['Jo'] };

/** mulberry32: small, fast, and the same sequence on every platform. */
function rngFor(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordRe = (words: readonly string[]) => new RegExp(`\\b(${words.map(escape).join('|')})\\b`, 'g');
const PLACE_RE = wordRe(LOCOMO_PLACES);
const PET_RE = wordRe(LOCOMO_PETS);
const WEEKDAY_RE = wordRe(WEEKDAYS);
const HOUR = 3_600_000;

/** Rewrites names, places, pets, weekdays and numbers with one seeded draw per conversation. */
function varyText(text: string, rename: Map<string, string>, rng: () => number): string {
  let out = rename.size ? text.replace(wordRe([...rename.keys()]), (w) => rename.get(w) ?? w) : text;
  out = out.replace(PLACE_RE, () => pick(rng, PLACES));
  out = out.replace(PET_RE, () => pick(rng, PETS));
  out = out.replace(WEEKDAY_RE, () => pick(rng, WEEKDAYS));
  return out.replace(/\b\d+\b/g, (d) => {
    const n = Number(d);
    if (d.length === 4 && n >= 1900 && n <= 2099) return String(n + Math.floor(rng() * 7) - 3);
    if (n <= 12) return String(1 + Math.floor(rng() * 12));
    return String(Math.max(1, Math.round(n * (0.5 + rng() * 1.5))));
  });
}

const render = (speaker: string, text: string, caption: string | undefined) =>
  caption ? `${speaker}: ${text} [shares ${caption}]` : `${speaker}: ${text}`;

/**
 * Conversation number `index`: base pair `index mod P` in variant `floor(index / P)`. Variant 0 is the
 * original text; every variant shifts the chat times by 3 h per variant, so no two indices render the
 * same window text.
 */
export function conversationAt(corpus: LocomoCorpus, index: number): BenchConversation {
  const { pairs } = corpus;
  const base = pairs[index % pairs.length]!;
  const variant = Math.floor(index / pairs.length);
  const rng = rngFor(Math.imul(index + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const rename = new Map<string, string>();
  const speakerName = new Map<string, string>();
  if (variant > 0) {
    const a = pick(rng, NAMES);
    let b = pick(rng, NAMES);
    while (b === a) b = pick(rng, NAMES);
    base.speakers.forEach((s, i) => {
      const to = i === 0 ? a : b;
      speakerName.set(s, to);
      for (const alias of [s, ...(NICKNAMES[s] ?? [])]) rename.set(alias, to);
    });
  }
  const shift = variant * 3 * HOUR;
  const messages = base.turns.map((t, i): BenchMessage => {
    const speaker = speakerName.get(t.speaker) ?? t.speaker;
    const text = variant > 0 ? varyText(t.text, rename, rng) : t.text;
    const caption = t.blip_caption && variant > 0 ? varyText(t.blip_caption, rename, rng) : t.blip_caption;
    return {
      role: 'user',
      content: render(speaker, text, caption),
      chat_time: new Date(base.start + shift + i * 1000).toISOString(),
    };
  });
  return { index, session_id: `${base.sample}-s${base.session}-v${variant}`, messages };
}

/**
 * `n` distinct natural questions in a seeded order: the LoCoMo questions first, then copies with the
 * speakers renamed (still natural, and never a query-cache hit on an earlier one).
 */
export function questionSet(corpus: LocomoCorpus, n: number, seed = 7): string[] {
  const rng = rngFor(seed);
  const base = corpus.questions.slice();
  for (let i = base.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [base[i], base[j]] = [base[j]!, base[i]!];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const speakers = wordRe(corpus.speakers);
  for (let round = 0; out.length < n && round < 1000; round++) {
    for (const q of base) {
      if (out.length >= n) break;
      const v = round === 0 ? q : q.replace(speakers, () => pick(rng, NAMES));
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
  }
  return out;
}
