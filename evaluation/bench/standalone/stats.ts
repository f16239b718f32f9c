import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export interface Dist {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Percentiles with linear interpolation between order statistics (numpy's default). */
export function dist(values: readonly number[]): Dist {
  const s = values.slice().sort((a, b) => a - b);
  const at = (p: number) => {
    if (!s.length) return Number.NaN;
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  };
  return {
    n: s.length,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: s.length ? s[s.length - 1]! : Number.NaN,
  };
}

export interface ProcMemory {
  rssMiB: number;
  hwmMiB: number;
}

/** VmRSS and VmHWM (peak RSS) of a process, from /proc (Linux). */
export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** Bytes under a path (files only, no symlink following). */
export function diskBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), 0);
}

export const load = (): [number, number, number] =>
  loadavg().map((x) => Math.round(x * 100) / 100) as [number, number, number];

export const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;
