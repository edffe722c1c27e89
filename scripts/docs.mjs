#!/usr/bin/env node
// `npm run docs`: the API reference from the doc comments, as HTML in docs/api/.
//
// TypeDoc needs TypeScript's JS compiler API, which the project's typescript 7
// (the native port) does not have, and it declares typescript 5.0-6.0 as its
// peer. So it lives in its own small package, docs/tooling/ (typedoc +
// typescript 5.9.3, with its own lockfile), installed here on first use.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOOLING = `${ROOT}docs/tooling`;

/** Install docs/tooling from its lockfile when it is missing or older than the lockfile. */
function ensureTooling() {
  const marker = `${TOOLING}/node_modules/.package-lock.json`;
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(`${TOOLING}/package-lock.json`).mtimeMs) return;
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: TOOLING, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci in docs/tooling failed (exit ${r.status ?? r.signal})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureTooling();
  // `--install-tooling`: only install (test/package uses docs/tooling's typescript 5.9,
  // which still has moduleResolution node10, removed in typescript 7).
  if (process.argv[2] === '--install-tooling') process.exit(0);
  const r = spawnSync(process.execPath, [`${TOOLING}/node_modules/typedoc/bin/typedoc`, '--options', `${TOOLING}/typedoc.json`, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status === 0) console.log('API reference: docs/api/index.html');
  process.exit(r.status ?? 1);
}
