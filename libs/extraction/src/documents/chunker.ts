import type { DocBlock } from './blocks';
import { countTokens, splitByTokens } from './tokens';

export interface PackedChunk {
  text: string;
  heading_path: string[];
  tokens: number;
}

const SEPARATOR_TOKENS = 2; // "\n\n"

/**
 * Packs consecutive blocks into chunks of at most `maxTokens`. Blocks are never cut unless a single
 * block is too big; then it is split at lines, then sentences, then raw token boundaries.
 */
export function packBlocks(blocks: DocBlock[], maxTokens: number): PackedChunk[] {
  const pieces = blocks.flatMap((b) => splitOversized(b, maxTokens));
  const chunks: PackedChunk[] = [];
  let parts: (DocBlock & { tokens: number })[] = [];
  let total = 0;
  const flush = () => {
    if (!parts.length) return;
    chunks.push({
      text: parts.map((p) => p.text).join('\n\n'),
      heading_path: commonPrefix(parts.map((p) => p.heading_path)),
      tokens: total,
    });
    parts = [];
    total = 0;
  };
  for (const p of pieces) {
    const added = (parts.length ? SEPARATOR_TOKENS : 0) + p.tokens;
    if (parts.length && total + added > maxTokens) flush();
    total += (parts.length ? SEPARATOR_TOKENS : 0) + p.tokens;
    parts.push(p);
  }
  flush();
  return chunks;
}

function splitOversized(block: DocBlock, max: number): (DocBlock & { tokens: number })[] {
  const tokens = countTokens(block.text);
  if (tokens <= max) return [{ ...block, tokens }];
  const units = splitUnits(block.text);
  if (units.length <= 1) {
    return splitByTokens(block.text, max).map((text) => ({
      text,
      heading_path: block.heading_path,
      tokens: countTokens(text),
    }));
  }
  // Regroup the smaller units greedily so pieces stay near the budget. Units keep their own separators.
  const out: (DocBlock & { tokens: number })[] = [];
  let buf = '';
  const emit = (text: string) => {
    if (text.trim())
      out.push(...splitOversized({ text: text.trim(), heading_path: block.heading_path }, max));
  };
  for (const u of units) {
    if (buf && countTokens(buf + u) > max) {
      emit(buf);
      buf = u;
    } else buf += u;
  }
  emit(buf);
  return out;
}

/** Lines first; a single long line falls back to sentences (Latin and CJK punctuation). */
function splitUnits(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  if (lines.filter((l) => l.trim()).length > 1) return lines;
  return text.match(/[^.!?。！？；;]*[.!?。！？；;]+\s*|[^.!?。！？；;]+$/gu) ?? [text];
}

function commonPrefix(paths: string[][]): string[] {
  const first = paths[0] ?? [];
  let n = first.length;
  for (const p of paths) {
    let i = 0;
    while (i < n && i < p.length && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}
