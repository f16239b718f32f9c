import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

/** Harness commit; "unknown" outside a git checkout rather than failing the run. */
export function gitInfo(cwd: string): GitInfo {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'evaluation/src'], { cwd, encoding: 'utf8' }).trim();
    return { commit, dirty: status.length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** Report folders are dated in UTC so the same run gets the same name anywhere. */
export function utcDate(d: Date = new Date()): string {
  return d.toISOString().slice(0, 10);
}
