import type { DocBlock } from './blocks';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isScalar = (v: Json): v is null | boolean | number | string => v === null || typeof v !== 'object';
const scalarList = (v: Json): v is (null | boolean | number | string)[] =>
  Array.isArray(v) && v.every(isScalar);

/**
 * JSON → blocks by key path. Each object's scalar fields (and lists of scalars) form one block under
 * its path; nested objects and lists of objects get their own blocks.
 */
export function jsonBlocks(value: unknown): DocBlock[] {
  const blocks: DocBlock[] = [];
  walk(value as Json, [], blocks);
  return blocks;
}

function walk(v: Json, path: string[], out: DocBlock[]): void {
  if (isScalar(v) || scalarList(v)) {
    out.push(block(path, [`${path.at(-1) ?? 'value'}: ${show(v)}`]));
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((item, i) => walk(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], out));
    return;
  }
  const lines: string[] = [];
  const nested: [string, Json][] = [];
  for (const [k, child] of Object.entries(v)) {
    if (isScalar(child) || scalarList(child)) lines.push(`${k}: ${show(child)}`);
    else nested.push([k, child]);
  }
  if (lines.length) out.push(block(path, lines));
  for (const [k, child] of nested) walk(child, [...path, k], out);
}

function block(path: string[], lines: string[]): DocBlock {
  // The path heads the text so a block still reads correctly when packed next to others.
  const head = path.length ? `${path.join(' > ')}:\n` : '';
  return { text: head + lines.join('\n'), heading_path: path };
}

function show(v: Json): string {
  if (Array.isArray(v)) return v.map((x) => String(x)).join(', ');
  return v === null ? 'null' : String(v);
}
