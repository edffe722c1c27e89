#!/usr/bin/env node
// `npm run ab-compare`: req/s under `ab -k` for examples/server.mjs (headwire)
// and for Node's own http.createServer doing the same echo, in one run. Each
// server is its own child process; the rounds alternate between them so load
// from elsewhere on the machine hits both alike. Needs ab (Debian's
// apache2-utils) and a build (`npm run build`, done here when dist/ is missing).
//   node scripts/ab-compare.mjs [--n 10000] [--c 20] [--rounds 3] [--body 0]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 10_000);
const C = arg('c', 20);
const ROUNDS = arg('rounds', 3);
const BODY = arg('body', 0); // bytes POSTed per request (ab -p); 0: GET

// Node's http doing what examples/server.mjs does: echo the body, Content-Length framed.
const NODE_ECHO = `
import http from 'node:http';
const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts);
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port + '/'));
`;

function start(args) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop: () => child.kill('SIGTERM') });
      }
    });
  });
}

function ab(port, postFile) {
  const extra = postFile ? ['-p', postFile, '-T', 'application/octet-stream'] : [];
  const r = spawnSync('ab', ['-k', ...extra, '-n', String(N), '-c', String(C), `http://127.0.0.1:${port}/`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw new Error(`ab: ${r.error.message} (install Debian's apache2-utils)`);
  const rps = Number(/Requests per second:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(r.stdout)?.[1]);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  if (!(rps > 0)) throw new Error(`ab gave no figure:\n${r.stdout}\n${r.stderr}`);
  return { rps, failed, non2xx };
}

if (!existsSync(join(ROOT, 'dist/node.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'headwire-ab-'));
let postFile = null;
if (BODY > 0) {
  postFile = join(dir, 'body.bin');
  writeFileSync(postFile, Buffer.alloc(BODY, 0x61));
}
const servers = {
  'examples/server.mjs (headwire)': await start(['examples/server.mjs', '0']),
  'node:http echo': await start(['--input-type=module', '-e', NODE_ECHO]),
};
const results = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
try {
  for (const s of Object.values(servers)) ab(s.port, postFile); // warm-up, not counted
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, s] of Object.entries(servers)) {
      const r = ab(s.port, postFile);
      if (r.failed > 0 || r.non2xx > 0) throw new Error(`${name}: ${r.failed} failed, ${r.non2xx} non-2xx`);
      results[name].push(r.rps);
    }
  }
} finally {
  for (const s of Object.values(servers)) s.stop();
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`ab -k -n ${N} -c ${C}${BODY > 0 ? ` -p (${BODY} bytes)` : ''}, ${ROUNDS} rounds, req/s (median; every round):`);
for (const [name, xs] of Object.entries(results)) console.log(`  ${name.padEnd(32)} ${median(xs).toFixed(0).padStart(7)}  (${xs.map((x) => x.toFixed(0)).join(', ')})`);
const [h, n] = Object.values(results).map(median);
console.log(`  headwire / node:http: ${(h / n).toFixed(2)}`);
