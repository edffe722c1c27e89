// Real HTTP peers for tests: nginx and haproxy (Debian's packages; .ci/run
// installs them when missing), each started as a non-daemon child process
// with a generated config in its own temp directory, on an ephemeral loopback
// port, and stopped cleanly. Everything is bounded in time.
//
// A missing binary skips the tests that need it, with a message saying why;
// in CI (env CI=true) a missing binary is a failure instead: .ci/run must
// have installed it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Debian package each peer binary comes from. */
const PACKAGES: Record<string, string> = { nginx: 'nginx', haproxy: 'haproxy', ab: 'apache2-utils', curl: 'curl' };

export interface Binary {
  /** The absolute path, or null when absent. */
  path: string | null;
  /** Why the tests that need it are skipped (absent, not in CI); null when present. */
  skip: string | null;
}

/**
 * Find a peer binary on PATH (and in /usr/sbin, where Debian puts nginx and
 * haproxy). Absent in CI (CI=true) throws; absent elsewhere gives a skip reason.
 *
 * @example
 * ```ts
 * const nginx = findBinary('nginx');
 * it.skipIf(nginx.skip !== null)('talks to nginx', async () => { ... });
 * ```
 */
export function findBinary(name: string): Binary {
  const r = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${name}`], { encoding: 'utf8', timeout: 5000 });
  const path = r.status === 0 ? r.stdout.trim() : '';
  if (path !== '') return { path, skip: null };
  const pkg = PACKAGES[name] ?? name;
  if (process.env.CI === 'true') {
    throw new Error(`${name} is not installed, and CI=true requires it: .ci/run installs Debian's ${pkg} package`);
  }
  const skip = `${name} not found: install Debian's ${pkg} package (apt-get install ${pkg}) to run these tests`;
  console.warn(`skipping: ${skip}`);
  return { path: null, skip };
}

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `port` on 127.0.0.1 accepts a connection; rejects after `timeoutMs` or when `child` exits. */
export async function waitForPort(port: number, timeoutMs: number, child?: ChildProcess, what = 'peer'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      const done = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(1000, () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** A running peer. */
export interface Peer {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Its temp directory: config, logs, pid, temp files. */
  dir: string;
  /** Everything it wrote to stdout and stderr so far, and its error log when it has one. */
  log(): string;
  /** Stop it (SIGTERM, then SIGKILL after 5 s), wait for the exit, remove its directory. */
  stop(): Promise<void>;
}

function startChild(what: string, cmd: string, args: string[], dir: string, port: number, errorLog: string | null): Peer {
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString('utf8')));
  child.on('error', (e) => (output += `\nspawn error: ${e.message}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  return {
    port,
    dir,
    log() {
      let text = output;
      if (errorLog !== null) {
        try {
          text += `\n--- ${errorLog}\n${readFileSync(errorLog, 'utf8')}`;
        } catch {
          // not written yet
        }
      }
      return `${what} (pid ${child.pid}):\n${text}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
    // Used by the start functions to tell a crash at startup from a slow start.
    ...{ child },
  } as Peer & { child: ChildProcess };
}

async function ready(peer: Peer, what: string, timeoutMs = 15_000): Promise<Peer> {
  try {
    await waitForPort(peer.port, timeoutMs, (peer as Peer & { child: ChildProcess }).child, what);
    return peer;
  } catch (e) {
    const log = peer.log();
    await peer.stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
}

export interface NginxOptions {
  /** Files to serve from the document root: path -> contents. */
  files?: Record<string, string | Uint8Array>;
  /** Extra directives inside the `server {}` block. */
  server?: string;
}

/**
 * Start nginx in the foreground (`daemon off`, one worker) on a free loopback
 * port, serving `files`. pid, error log, access log and every temp path live
 * in a temp directory; as root it runs its worker as root (`user root`).
 *
 * @example
 * ```ts
 * const nginx = await startNginx(findBinary('nginx').path!, { files: { 'a.txt': 'hello' } });
 * // curl http://127.0.0.1:${nginx.port}/a.txt
 * await nginx.stop();
 * ```
 */
export async function startNginx(bin: string, options: NginxOptions = {}): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'headwire-nginx-'));
  const www = join(dir, 'www');
  mkdirSync(www);
  for (const [name, body] of Object.entries(options.files ?? {})) writeFileSync(join(www, name), body);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
  const port = await freePort();
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = `${root ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/plain txt; text/html html; application/octet-stream bin; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    ${options.server ?? ''}
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  // -e: the error log before the config is read (else nginx opens /var/log/nginx/error.log first).
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
  return ready(startChild('nginx', bin, args, dir, port, join(dir, 'error.log')), 'nginx');
}

export interface HaproxyOptions {
  /** The backend servers, on 127.0.0.1. */
  backends: number[];
  /** The path haproxy's HTTP health check requests (GET), every `checkIntervalMs`. */
  healthPath?: string;
  checkIntervalMs?: number;
}

/**
 * Start haproxy in the foreground (`-db`) on a free loopback port, `mode
 * http`, one frontend to a backend of `backends` with HTTP health checks on.
 *
 * @example
 * ```ts
 * const proxy = await startHaproxy(findBinary('haproxy').path!, { backends: [3000], healthPath: '/health' });
 * await proxy.stop();
 * ```
 */
export async function startHaproxy(bin: string, options: HaproxyOptions): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'headwire-haproxy-'));
  const port = await freePort();
  const inter = options.checkIntervalMs ?? 200;
  const servers = options.backends.map((p, i) => `  server s${i} 127.0.0.1:${p} check inter ${inter}ms fall 2 rise 1`).join('\n');
  const conf = `global
  maxconn 256
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend fe
  bind 127.0.0.1:${port}
  default_backend be
backend be
  option httpchk
  http-check send meth GET uri ${options.healthPath ?? '/'}
  http-check expect status 200
${servers}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), conf);
  return ready(startChild('haproxy', bin, ['-db', '-f', join(dir, 'haproxy.cfg')], dir, port, null), 'haproxy');
}

/** Run curl with `args` (bounded by --max-time); resolves with its exit code, stdout and stderr. */
export function curl(args: string[], timeoutS = 10): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('curl', ['--silent', '--show-error', '--max-time', String(timeoutS), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    c.stdout.on('data', (b: Buffer) => out.push(b));
    c.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    c.on('error', (e) => (err += e.message));
    c.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}
