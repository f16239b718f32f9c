// A Python virtualenv under .cache/ holding pinned PyPI packages, for the project's Python tools (the
// Schemathesis fuzzer). Plain Node, no dependencies; idempotent: a venv whose marker lists the same
// pins and Python is reused as it is. Python is found as scripts/install-model.mjs finds it
// (ENGRAM_PYTHON, python3, python), a newer python3.13 / python3.12 on the PATH first.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first Python with the venv module (ENGRAM_PYTHON first), or undefined. */
export function findPython() {
  const candidates = [process.env.ENGRAM_PYTHON, 'python3.13', 'python3.12', 'python3', 'python'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-m', 'venv', '--help'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/**
 * Ensures `dir` is a venv with exactly `pins` (`name==version`) installed and returns its bin folder.
 * Throws with pip's last lines when Python, the venv module or PyPI is unavailable.
 */
export function ensureVenv(dir, pins, log = (m) => console.log(m)) {
  const marker = join(dir, 'engram-pins.json');
  const bin = join(dir, process.platform === 'win32' ? 'Scripts' : 'bin');
  const py = findPython();
  if (!py) throw new Error('no Python 3 with the venv module was found (set ENGRAM_PYTHON)');
  const wanted = JSON.stringify({ python: py, pins: [...pins].sort() });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return bin;
  log(`creating ${dir} with ${py} and ${pins.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15 * 60 * 1000 });
    if (r.status !== 0) {
      const detail = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${cmd} ${args.join(' ')} failed: ${detail}`);
    }
  };
  run(py, ['-m', 'venv', dir]);
  run(join(bin, 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...pins]);
  writeFileSync(marker, wanted);
  return bin;
}
