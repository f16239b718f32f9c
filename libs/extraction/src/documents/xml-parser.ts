/**
 * A small tolerant XML reader for documents users share (exports, feeds, configs, sloppy HTML-ish
 * markup). It never throws: unclosed elements close at the end, stray closing tags are ignored,
 * a lone "<" is text. No DTDs, namespaces are kept in names.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | { text: string };

export const isElement = (n: XmlNode): n is XmlElement => 'name' in n;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

const OPEN = /^<([A-Za-z_][\w.:-]*)((?:\s+[^<>]*?)?)\s*(\/?)>/;
const CLOSE = /^<\/\s*([A-Za-z_][\w.:-]*)\s*>/;
const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g;

export function parseXml(src: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  const addText = (t: string) => {
    if (t) top().children.push({ text: t });
  };
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      addText(decodeEntities(src.slice(i)));
      break;
    }
    if (lt > i) addText(decodeEntities(src.slice(i, lt)));
    const rest = src.slice(lt);
    const skipTo = (end: string) => {
      const j = src.indexOf(end, lt);
      return j < 0 ? src.length : j + end.length;
    };
    if (rest.startsWith('<!--')) i = skipTo('-->');
    else if (rest.startsWith('<![CDATA[')) {
      const j = src.indexOf(']]>', lt);
      addText(src.slice(lt + 9, j < 0 ? src.length : j));
      i = j < 0 ? src.length : j + 3;
    } else if (rest.startsWith('<?')) i = skipTo('?>');
    else if (/^<!DOCTYPE/i.test(rest))
      i = skipTo(rest.includes('[') && rest.indexOf('[') < rest.indexOf('>') ? ']>' : '>');
    else {
      const close = CLOSE.exec(rest);
      const open = close ? null : OPEN.exec(rest);
      if (close) {
        const at = stack.map((e) => e.name).lastIndexOf(close[1]!);
        if (at > 0) stack.length = at; // closes any unclosed children too
        i = lt + close[0].length;
      } else if (open) {
        const el: XmlElement = { name: open[1]!, attrs: parseAttrs(open[2] ?? ''), children: [] };
        top().children.push(el);
        if (!open[3]) stack.push(el);
        i = lt + open[0].length;
      } else {
        addText('<');
        i = lt + 1;
      }
    }
  }
  return root;
}

function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(s); m; m = ATTR.exec(s)) attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return attrs;
}

/** All text inside an element, whitespace collapsed. */
export function textOf(n: XmlNode): string {
  if (!isElement(n)) return n.text.replace(/\s+/g, ' ').trim();
  return n.children.map(textOf).filter(Boolean).join(' ').trim();
}
