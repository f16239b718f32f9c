#!/usr/bin/env node
// Generates TypeScript from proto/ into libs/contracts/src/generated (ts-proto, run by buf; see
// docs/adr/0006-grpc-codegen.md). The generated code is committed so type checking needs no step.
//   node scripts/gen-proto.mjs          lint and format the protos, regenerate
//   node scripts/gen-proto.mjs --check  lint, check formatting, and fail if the committed code differs from a fresh run
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = 'libs/contracts/src/generated';
// buf's npm shim finds the binary in its platform package (@bufbuild/buf-linux-x64 …).
const BUF = join(ROOT, 'node_modules', '@bufbuild', 'buf', 'bin', 'buf');
const check = process.argv.includes('--check');

function buf(args) {
  if (!existsSync(BUF)) fail('@bufbuild/buf is not installed: run `node scripts/engram.mjs setup` first');
  // a cache inside node_modules keeps runs independent of $HOME (CI, read-only homes)
  const env = {
    ...process.env,
    BUF_CACHE_DIR: process.env.BUF_CACHE_DIR ?? join(ROOT, 'node_modules', '.cache', 'buf'),
  };
  const r = spawnSync(process.execPath, [BUF, ...args], { cwd: ROOT, encoding: 'utf8', env });
  if (r.error) throw r.error;
  if (r.status !== 0) fail(`buf ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

function fail(msg) {
  console.error(`✖ ${msg}`);
  process.exit(1);
}

function files(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p)];
  });
}

buf(['lint', 'proto']);
// formatting: rewritten when generating, only checked in --check
buf(['format', 'proto', ...(check ? ['--diff', '--exit-code'] : ['--write'])]);
const tmp = mkdtempSync(join(tmpdir(), 'engram-proto-'));
try {
  buf(['generate', 'proto', '--template', 'proto/buf.gen.yaml', '--output', tmp]);
  const fresh = join(tmp, OUT);
  const committed = join(ROOT, OUT);
  if (!check) {
    rmSync(committed, { recursive: true, force: true });
    cpSync(fresh, committed, { recursive: true });
    console.log(`generated ${files(fresh).length} files into ${OUT}`);
  } else {
    const want = new Set(files(fresh));
    const have = new Set(files(committed));
    const problems = [
      ...[...want].filter((f) => !have.has(f)).map((f) => `missing   ${f}`),
      ...[...have].filter((f) => !want.has(f)).map((f) => `extra     ${f}`),
      ...[...want]
        .filter((f) => have.has(f) && !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))))
        .map((f) => `outdated  ${f}`),
    ];
    if (problems.length) {
      fail(
        `generated gRPC code in ${OUT} is not current with proto/:\n  ${problems.join('\n  ')}\nrun \`node scripts/gen-proto.mjs\` and commit the result`,
      );
    }
    console.log(`generated gRPC code is current (${want.size} files)`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
