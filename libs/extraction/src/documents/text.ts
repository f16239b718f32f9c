import type { DocBlock } from './blocks';

/** Plain text → paragraphs (blank-line separated). */
export function textBlocks(text: string): DocBlock[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ text: p, heading_path: [] }));
}
