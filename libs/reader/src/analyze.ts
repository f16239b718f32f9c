import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { hasCjk } from '@engram/domain';

let jieba: Jieba | null = null;
const seg = (text: string): string[] => {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(text, false);
};

const EN_STOP = new Set(
  `a an the and or but if then else of to in on at by for with about as from into over after before is are was were be been being
  am do does did done have has had i me my mine we us our you your he him his she her it its they them their this that these those
  what which who whom whose when where why how not no yes so than too very can could will would shall should may might must just
  also there here all any both each few more most other some such only own same s t don didn doesn isn aren wasn weren won
  user assistant`.split(/\s+/),
);
const ZH_STOP = new Set('的 了 和 是 在 我 有 也 就 不 人 都 一 一个 上 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那 吗 呢 吧 啊 他 她 它 们 我们 你们 他们 用户 助手'.split(' '));

/** Lowercased word tokens, CJK segmented with jieba; punctuation dropped. */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  const raw = hasCjk(lower) ? seg(lower) : lower.split(/[^\p{L}\p{N}]+/u);
  const out: string[] = [];
  for (const t of raw) {
    const w = t.trim();
    if (!w || !/[\p{L}\p{N}]/u.test(w)) continue;
    if (hasCjk(w)) {
      out.push(w);
    } else {
      for (const part of w.split(/[^\p{L}\p{N}]+/u)) if (part) out.push(part);
    }
  }
  return out;
}

export const isStopword = (t: string): boolean => EN_STOP.has(t) || ZH_STOP.has(t);

/** Content terms: tokens without stopwords and one-letter latin noise. */
export function contentTerms(text: string): string[] {
  return tokenize(text).filter((t) => !isStopword(t) && (hasCjk(t) || t.length > 1));
}

/**
 * Cheap entity candidates for the graph without an LLM: capitalised words and numbers-with-letters
 * in Latin text, multi-character words in CJK text. Returned lowercased and unique, at most `max`.
 */
export function extractEntities(text: string, max = 12): string[] {
  const found = new Map<string, number>();
  const add = (e: string) => found.set(e, (found.get(e) ?? 0) + 1);
  for (const m of text.matchAll(/\b([A-Z][\p{L}'’-]{1,}(?:\s+[A-Z][\p{L}'’-]{1,})*)/gu)) {
    for (const w of m[1]!.split(/\s+/)) {
      const lw = w.toLowerCase().replace(/['’]s$/, '');
      if (lw.length > 1 && !EN_STOP.has(lw)) add(lw);
    }
  }
  if (hasCjk(text)) {
    for (const t of seg(text)) if (hasCjk(t) && t.length >= 2 && !ZH_STOP.has(t)) add(t);
  }
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([e]) => e);
}
