import type { DocumentFormat } from '../types';
import type { DocBlock } from './blocks';
import { jsonBlocks } from './json';
import { markdownBlocks } from './markdown';
import { textBlocks } from './text';
import { xmlBlocks } from './xml';

/** Structure-aware split; JSON that does not parse is read as text rather than lost. */
export function parseDocument(format: DocumentFormat, text: string): DocBlock[] {
  switch (format) {
    case 'markdown':
      return markdownBlocks(text);
    case 'xml':
      return xmlBlocks(text);
    case 'json':
      try {
        return jsonBlocks(JSON.parse(text));
      } catch {
        return textBlocks(text);
      }
    case 'text':
      return textBlocks(text);
  }
}
