#!/usr/bin/env node
// The fuzz step of `npm test`: Schemathesis (PyPI, pinned, in a venv under .cache/) against a real
// standalone server on a fresh data dir with the hashing embedder, every check on, within a time
// budget; meanwhile a probe polls /health. Fails on any failure Schemathesis reports (a 5xx, a response
// or status the OpenAPI document does not describe, valid input refused, invalid input accepted, a
// method without 405) and on any /health answer that takes 1 s or more. docs/testing.md explains it.
//   node scripts/fuzz.mjs [--max-time SECONDS]   (default 150; ENGRAM_FUZZ_MAX_TIME too)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv } from './python-venv.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMATHESIS = 'schemathesis==4.32.5';
const VENV = join(ROOT, '.cache', 'fuzz-venv');
const CONFIG = join(ROOT, 'scripts', 'fuzz', 'schemathesis.toml');
const SERVER = join(ROOT, 'dist', 'apps', 'standalone', 'src', 'main.js');
const PROBE_EVERY_MS = 200;
const PROBE_LIMIT_MS = 1000;

const argAt = process.argv.indexOf('--max-time');
const maxTime = Number(argAt > 0 ? process.argv[argAt + 1] : (process.env.ENGRAM_FUZZ_MAX_TIME ?? 150));
const log = (m) => console.log(`[fuzz] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} before it answered`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server did not answer /health within ${timeoutMs / 1000} s`);
}

/** Polls /health until stopped; every answer's time counts, a failed or slow one is a finding. */
function startProbe(url) {
  const times = [];
  const bad = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        const ms = performance.now() - t0;
        times.push(ms);
        if (!r.ok || ms >= PROBE_LIMIT_MS) bad.push(`${new Date().toISOString()} status ${r.status} in ${ms.toFixed(0)} ms`);
      } catch (err) {
        bad.push(`${new Date().toISOString()} ${err.message}`);
      }
      await sleep(PROBE_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      const sorted = [...times].sort((a, b) => a - b);
      const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
      return { count: times.length, p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? NaN, bad };
    },
  };
}

function runSchemathesis(bin, url, reportPath, workDir) {
  const args = [
    '--config-file', CONFIG,
    'run', `${url}/openapi.json`,
    '--checks', 'all',
    '--max-time', String(maxTime),
    '--report', 'junit', '--report-junit-path', reportPath,
  ];
  log(`st ${args.join(' ')}`);
  return new Promise((resolve) => {
    // A higher recursion limit: near the default one, CPython 3.11 can fail Hypothesis's lambda
    // descriptions ("AST constructor recursion depth mismatch"), which Schemathesis reports as an error.
    const launcher = 'import sys; sys.setrecursionlimit(20000); sys.argv[0] = "st"; from schemathesis.cli import schemathesis; sys.exit(schemathesis())';
    const st = spawn(join(bin, 'python'), ['-c', launcher, ...args], { cwd: workDir, stdio: 'inherit', env: { ...process.env, SCHEMATHESIS_NO_COLOR: '1' } });
    st.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Test cases and failures from the JUnit report (one testcase per operation). */
function readReport(path) {
  if (!existsSync(path)) return undefined;
  const xml = readFileSync(path, 'utf8');
  const attr = (name) => [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  return { operations: attr('tests'), failures: attr('failures'), errors: attr('errors') };
}

async function main() {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: build first (node node_modules/typescript/bin/tsc -p tsconfig.build.json)`);
  const bin = ensureVenv(VENV, [SCHEMATHESIS], log);
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-fuzz-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), SERVER, '--data-dir', dataDir, '--embedder', 'hashing', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, ENGRAM_LOG_LEVEL: 'warn', ENGRAM_SWAGGER: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const t0 = Date.now();
  let status = 1;
  try {
    await waitHealthy(url, server);
    const valid = spawnSync(process.execPath, [join(ROOT, 'scripts/validate-openapi.mjs'), `${url}/openapi.json`], { stdio: 'inherit' });
    if (valid.status !== 0) throw new Error('the served OpenAPI document is not valid');
    const probe = startProbe(url);
    const reportPath = join(dataDir, 'schemathesis-junit.xml');
    // run in the temp dir: Schemathesis keeps its cache (.schemathesis/) in the working directory
    const stStatus = await runSchemathesis(bin, url, reportPath, dataDir);
    const p = await probe.stop();
    const report = readReport(reportPath);
    const crashed = server.exitCode !== null;
    log(`schemathesis exit ${stStatus}; ${report ? `${report.operations} operations, ${report.failures} failed, ${report.errors} errors` : 'no report'}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    log(`/health probe: ${p.count} answers, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, max ${p.max.toFixed(1)} ms; ${p.bad.length} slow or failed`);
    for (const b of p.bad.slice(0, 20)) log(`  slow/failed /health: ${b}`);
    if (crashed) log(`the server exited during the run (${server.exitCode})`);
    // Schemathesis "errors" are its own crashes while generating input (listed above, never a finding
    // about the server); failures are findings. Without a report, its exit code decides.
    const findings = report ? report.failures : stStatus;
    if (report?.errors) log(`${report.errors} Schemathesis error(s) above: the tool failed to generate input, not a server finding`);
    status = findings === 0 && p.bad.length === 0 && !crashed ? 0 : 1;
  } finally {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  log(status === 0 ? 'passed' : 'FAILED');
  process.exit(status);
}

main().catch((err) => {
  console.error(`[fuzz] ${err.message}`);
  process.exit(1);
});
