import type { DocBlock } from './blocks';
import { isElement, parseXml, textOf, type XmlElement } from './xml-parser';

const LABEL_ATTRS = ['id', 'name', 'title', 'key', 'type'];

/** `book (id=bk101)`: the element name plus the attribute that identifies it, if any. */
function label(el: XmlElement): string {
  const k = LABEL_ATTRS.find((a) => el.attrs[a]);
  return k ? `${el.name} (${k}=${el.attrs[k]})` : el.name;
}

const elements = (el: XmlElement) => el.children.filter(isElement);
const isLeaf = (el: XmlElement) => elements(el).length === 0;
const directText = (el: XmlElement) =>
  el.children
    .filter((c) => !isElement(c))
    .map(textOf)
    .filter(Boolean)
    .join(' ');
/** Attributes other than the one already shown in the label. */
const attrLines = (el: XmlElement) => {
  const shown = LABEL_ATTRS.find((a) => el.attrs[a]);
  return Object.entries(el.attrs)
    .filter(([k]) => k !== shown)
    .map(([k, v]) => `@${k}: ${v}`);
};
const field = (el: XmlElement) => {
  const attrs = Object.entries(el.attrs).map(([k, v]) => `${k}=${v}`);
  return `- ${el.name}${attrs.length ? ` (${attrs.join(', ')})` : ''}: ${textOf(el)}`;
};

/**
 * XML → blocks by element. An element whose children are all simple fields becomes one record
 * block ("book (id=bk101)" then "- title: …" lines); containers recurse, adding to the path.
 */
export function xmlBlocks(src: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const el of elements(parseXml(src))) walk(el, [], blocks);
  // Text outside any element (a malformed or HTML-ish file) is still content.
  return blocks.length ? blocks : [{ text: textOf(parseXml(src)), heading_path: [] }].filter((b) => b.text);
}

function walk(el: XmlElement, path: string[], out: DocBlock[]): void {
  const here = [...path, label(el)];
  if (isLeaf(el)) {
    const text = textOf(el);
    const attrs = attrLines(el);
    if (text || attrs.length)
      out.push({ text: [label(el), ...attrs, text].filter(Boolean).join('\n'), heading_path: path });
    return;
  }
  const kids = elements(el);
  const leaves = kids.filter(isLeaf);
  const own = [directText(el), ...attrLines(el), ...leaves.map(field)].filter(Boolean);
  // A pure container (only children elements) adds nothing but a path segment.
  if (own.length) out.push({ text: [label(el), ...own].join('\n'), heading_path: here });
  for (const child of kids) if (!isLeaf(child)) walk(child, here, out);
}
