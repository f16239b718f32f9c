import type { DocumentFormat } from '../types';

const BY_EXT: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  xml: 'xml',
  xhtml: 'xml',
  html: 'xml',
  htm: 'xml',
  rss: 'xml',
  atom: 'xml',
  svg: 'xml',
  xsd: 'xml',
  json: 'json',
  jsonl: 'text',
  ndjson: 'text',
  txt: 'text',
  text: 'text',
  log: 'text',
  csv: 'text',
  tsv: 'text',
};

/** By file extension, then media type, then by looking at the text. */
export function detectFormat(filename: string | null, mime: string | null, text: string): DocumentFormat {
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext && BY_EXT[ext]) return BY_EXT[ext];
  const m = (mime ?? '').toLowerCase();
  if (m.includes('markdown')) return 'markdown';
  if (m.includes('json')) return 'json';
  if (m.includes('xml') || m.includes('html')) return 'xml';
  const t = text.trim();
  if (/^<\?xml/i.test(t) || (/^<[A-Za-z!]/.test(t) && t.endsWith('>'))) return 'xml';
  if (/^[[{]/.test(t)) {
    try {
      JSON.parse(t);
      return 'json';
    } catch {
      // not JSON after all
    }
  }
  if (/^\s{0,3}#{1,6}\s+\S/m.test(t) || /^\s{0,3}```/m.test(t) || /^\s*\|.*\|\s*$/m.test(t))
    return 'markdown';
  return 'text';
}
