/**
 * MemOS's near-duplicate text check used inside MMR (`highly_similar`): a blend of character-set Dice,
 * character TF-IDF cosine and character-bigram Jaccard.
 */
export function combinedTextSimilarity(a: string, b: string): number {
  return 0.4 * dice(a, b) + 0.35 * charTfidfCosine(a, b) + 0.25 * bigramJaccard(a, b);
}

const chars = (s: string): string[] => [...s.replace(/\s+/g, '')];

export function dice(a: string, b: string): number {
  const A = new Set(chars(a));
  const B = new Set(chars(b));
  if (A.size + B.size === 0) return 1;
  let inter = 0;
  for (const c of A) if (B.has(c)) inter++;
  return (2 * inter) / (A.size + B.size);
}

/** idf 1.0 for characters both texts share, 1.5 for characters unique to one (as in MemOS). */
export function charTfidfCosine(a: string, b: string): number {
  const ta = counts(chars(a));
  const tb = counts(chars(b));
  const idf = (c: string) => (ta.has(c) && tb.has(c) ? 1.0 : 1.5);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [c, n] of ta) {
    const w = n * idf(c);
    na += w * w;
    const m = tb.get(c);
    if (m) dot += w * m * idf(c);
  }
  for (const [c, n] of tb) {
    const w = n * idf(c);
    nb += w * w;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function bigramJaccard(a: string, b: string): number {
  const A = bigrams(a);
  const B = bigrams(b);
  if (A.size === 0 && B.size === 0) return 1;
  let inter = 0;
  for (const g of A) if (B.has(g)) inter++;
  return inter / (A.size + B.size - inter);
}

function counts(cs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of cs) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
}

function bigrams(s: string): Set<string> {
  const cs = chars(s);
  const out = new Set<string>();
  for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
  return out;
}
