import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utcDate } from './provenance';

export interface WrittenReport {
  dir: string;
  files: string[];
}

/** Writes `<root>/<YYYY-MM-DD>-<name>/` with the given files (JSON is pretty-printed). */
export function writeReport(root: string, name: string, files: Record<string, unknown>): WrittenReport {
  const dir = join(root, `${utcDate()}-${name}`);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, jsonReplacer, 2)}\n`);
    written.push(path);
  }
  return { dir, files: written };
}

/** JSON has no NaN: write null so a missing value is visible rather than silently 0. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
