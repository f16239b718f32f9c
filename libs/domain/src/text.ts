/** Language and text helpers shared by the reader, the indexes and the extractor. */
const CJK_RE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u{20000}-\u{2fa1f}]/gu;
const LETTER_RE = /[\p{L}]/gu;

/** 'zh' when CJK characters are more than 30% of letters (MemOS's rule), else 'en'. */
export function detectLang(text: string): 'zh' | 'en' {
  const letters = text.match(LETTER_RE)?.length ?? 0;
  if (letters === 0) return 'en';
  const cjk = text.match(CJK_RE)?.length ?? 0;
  return cjk / letters > 0.3 ? 'zh' : 'en';
}

export function hasCjk(text: string): boolean {
  CJK_RE.lastIndex = 0;
  const r = CJK_RE.test(text);
  CJK_RE.lastIndex = 0;
  return r;
}

/** Key = first sentence, at most 80 characters (MemOS `derive_key`). */
export function deriveKey(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const m = clean.match(/^(.+?[.!?。！？])(\s|$)/u);
  const first = m ? m[1]! : clean;
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}
