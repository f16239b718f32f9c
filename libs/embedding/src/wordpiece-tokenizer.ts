import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * BERT WordPiece tokenizer, a port of the Hugging Face `tokenizers` BertNormalizer +
 * BertPreTokenizer + WordPiece model, so ids match the Python reference exactly.
 * Known gap: special-token strings typed by users (e.g. "[CLS]") are tokenised as plain text.
 */
export interface WordPieceOptions {
  vocab: ReadonlyMap<string, number>;
  lowercase?: boolean;
  /** null follows `lowercase`, as in BertNormalizer. */
  stripAccents?: boolean | null;
  handleChineseChars?: boolean;
  cleanText?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

export interface Encoding {
  ids: number[];
}

const CONTROL = /\p{C}/u;
const WHITESPACE = /\s/u;
const PUNCT = /[\p{P}!-/:-@[-`{-~]/u;
const MARK_NONSPACING = /\p{Mn}/gu;

/** The CJK ideograph blocks BERT splits into single-character words. */
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export class WordPieceTokenizer {
  readonly vocabSize: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  private readonly unkId: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;
  private readonly handleChineseChars: boolean;
  private readonly cleanText: boolean;
  private readonly prefix: string;
  private readonly maxChars: number;

  constructor(opts: WordPieceOptions) {
    this.vocab = opts.vocab;
    this.vocabSize = opts.vocab.size;
    this.lowercase = opts.lowercase ?? true;
    this.stripAccents = opts.stripAccents ?? this.lowercase;
    this.handleChineseChars = opts.handleChineseChars ?? true;
    this.cleanText = opts.cleanText ?? true;
    this.prefix = opts.continuingSubwordPrefix ?? '##';
    this.maxChars = opts.maxInputCharsPerWord ?? 100;
    this.unkId = this.idOf(opts.unkToken ?? '[UNK]');
    this.clsId = this.idOf(opts.clsToken ?? '[CLS]');
    this.sepId = this.idOf(opts.sepToken ?? '[SEP]');
    this.padId = this.idOf(opts.padToken ?? '[PAD]');
  }

  /** [CLS] tokens [SEP], truncated so the whole sequence fits in maxLength. */
  encode(text: string, maxLength = 512): Encoding {
    const body = this.tokenize(text).slice(0, Math.max(0, maxLength - 2));
    return { ids: [this.clsId, ...body, this.sepId] };
  }

  /** Word-piece ids without special tokens. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const word of this.preTokenize(this.normalize(text))) this.wordPiece(word, ids);
    return ids;
  }

  normalize(text: string): string {
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      if (this.cleanText) {
        if (cp === 0 || cp === 0xfffd || (CONTROL.test(ch) && ch !== '\t' && ch !== '\n' && ch !== '\r'))
          continue;
        if (WHITESPACE.test(ch)) {
          out += ' ';
          continue;
        }
      }
      out += this.handleChineseChars && isChineseChar(cp) ? ` ${ch} ` : ch;
    }
    if (this.stripAccents) out = out.normalize('NFD').replace(MARK_NONSPACING, '');
    if (!this.lowercase) return out;
    // Per character, like Rust's char::to_lowercase: no context-sensitive final sigma.
    let lower = '';
    for (const ch of out) lower += ch.toLowerCase();
    return lower;
  }

  /** Splits on whitespace and isolates every punctuation character. */
  private preTokenize(text: string): string[] {
    const words: string[] = [];
    let cur = '';
    for (const ch of text) {
      if (WHITESPACE.test(ch)) {
        if (cur) words.push(cur);
        cur = '';
      } else if (PUNCT.test(ch)) {
        if (cur) words.push(cur);
        words.push(ch);
        cur = '';
      } else cur += ch;
    }
    if (cur) words.push(cur);
    return words;
  }

  /** Greedy longest-match-first; a word with any unmatchable part becomes a single [UNK]. */
  private wordPiece(word: string, out: number[]): void {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) {
      out.push(this.unkId);
      return;
    }
    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = -1;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        const id = this.vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) {
        out.push(this.unkId);
        return;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  }

  private idOf(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`token ${token} is not in the vocabulary`);
    return id;
  }
}

interface TokenizerJson {
  normalizer?: {
    type?: string;
    lowercase?: boolean;
    strip_accents?: boolean | null;
    handle_chinese_chars?: boolean;
    clean_text?: boolean;
  } | null;
  model?: {
    type?: string;
    vocab?: Record<string, number>;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
}

interface TokenizerConfigJson {
  do_lower_case?: boolean;
  strip_accents?: boolean | null;
  tokenize_chinese_chars?: boolean;
  unk_token?: string;
}

/** Loads from tokenizer.json when present (exact normaliser flags), else vocab.txt + tokenizer_config.json. */
export function loadWordPieceTokenizer(dir: string): WordPieceTokenizer {
  const tjPath = join(dir, 'tokenizer.json');
  if (existsSync(tjPath)) {
    const tj = JSON.parse(readFileSync(tjPath, 'utf8')) as TokenizerJson;
    if (tj.model?.type !== 'WordPiece' || !tj.model.vocab)
      throw new Error(`${tjPath}: not a WordPiece tokenizer`);
    const n = tj.normalizer ?? {};
    if (n.type !== undefined && n.type !== 'BertNormalizer')
      throw new Error(`${tjPath}: unsupported normalizer ${n.type}`);
    return new WordPieceTokenizer({
      vocab: new Map(Object.entries(tj.model.vocab)),
      lowercase: n.lowercase ?? true,
      stripAccents: n.strip_accents ?? null,
      handleChineseChars: n.handle_chinese_chars ?? true,
      cleanText: n.clean_text ?? true,
      unkToken: tj.model.unk_token,
      continuingSubwordPrefix: tj.model.continuing_subword_prefix,
      maxInputCharsPerWord: tj.model.max_input_chars_per_word,
    });
  }
  const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map(lines.map((tok, i) => [tok.replace(/\r$/, ''), i] as const));
  const cfgPath = join(dir, 'tokenizer_config.json');
  const cfg: TokenizerConfigJson = existsSync(cfgPath)
    ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as TokenizerConfigJson)
    : {};
  return new WordPieceTokenizer({
    vocab,
    lowercase: cfg.do_lower_case ?? true,
    stripAccents: cfg.strip_accents ?? null,
    handleChineseChars: cfg.tokenize_chinese_chars ?? true,
    unkToken: cfg.unk_token,
  });
}
