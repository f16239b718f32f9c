import type { DocBlock } from './blocks';

/**
 * Markdown → blocks by heading. Paragraphs, lists, tables and fenced code stay whole; each block
 * knows its heading path, and a section's heading line is kept at the top of its first block.
 */
export function markdownBlocks(md: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const stack: { level: number; title: string }[] = [];
  let para: string[] = [];
  let pendingHeadings: string[] = [];
  let fence: string | null = null;

  const path = () => stack.map((h) => h.title);
  const flush = () => {
    const text = [...pendingHeadings, ...para].join('\n').trim();
    if (text && para.some((l) => l.trim())) {
      blocks.push({ text, heading_path: path() });
      pendingHeadings = [];
    }
    para = [];
  };
  const heading = (level: number, title: string, line: string) => {
    flush();
    while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    stack.push({ level, title });
    // Consecutive headings: only the innermost reaches the text; the rest live in the path.
    pendingHeadings = [line];
  };

  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMark = line.match(/^\s{0,3}(`{3,}|~{3,})/);
    if (fence) {
      para.push(line);
      if (fenceMark && fenceMark[1]!.startsWith(fence)) {
        fence = null;
        flush();
      }
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark[1]!;
      para.push(line);
      continue;
    }
    const atx = line.match(/^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (atx) {
      heading(atx[1]!.length, atx[2]!, line.trim());
      continue;
    }
    // Setext heading: a single paragraph line underlined with === or ---.
    const underline = line.match(/^\s{0,3}(=+|-+)\s*$/);
    if (underline && para.length === 1 && para[0]!.trim()) {
      const title = para[0]!.trim();
      para = [];
      heading(
        underline[1]!.startsWith('=') ? 1 : 2,
        title,
        `${underline[1]!.startsWith('=') ? '#' : '##'} ${title}`,
      );
      continue;
    }
    if (!line.trim()) flush();
    else para.push(line);
  }
  flush();
  if (pendingHeadings.length) blocks.push({ text: pendingHeadings.join('\n'), heading_path: path() });
  return blocks;
}
