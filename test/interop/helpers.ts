// Shared by the interop tests: loopback servers, exact reads from a detached
// socket, child processes with a time limit, and curl (which must be there:
// CI installs it, so a missing curl is a failure, never a skip).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { HttpError } from '../../src/index.ts';
import { pseudoRandom as randomBytes } from '../support/bytes.ts';

/** Listen on 127.0.0.1 on a free port; returns the port. */
export async function listen(server: NetServer | Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Things to undo after a test, last first; every step runs even if one throws. */
export class Cleanup {
  #steps: Array<() => unknown> = [];
  defer(step: () => unknown): void {
    this.#steps.push(step);
  }
  /** Close a server and destroy every connection it accepted. */
  server(server: NetServer | Server): void {
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    this.defer(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    );
  }
  socket(s: Socket): Socket {
    this.defer(() => s.destroy());
    return s;
  }
  async run(): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // cleanup goes on
      }
    }
  }
}

/**
 * Read exactly `n` bytes from a socket (flowing mode), then pause it and put
 * back whatever came past them, so the next reader (or `attach`) starts there.
 */
export function readExactly(sock: Socket, n: number, ms = 5000): Promise<Buffer> {
  if (n === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', finish);
      sock.pause();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, n));
    };
    const onData = (chunk: Buffer): void => {
      let c = chunk;
      const need = n - got;
      if (c.length > need) {
        sock.pause();
        sock.unshift(c.subarray(need));
        c = c.subarray(0, need);
      }
      chunks.push(c);
      got += c.length;
      if (got === n) finish();
    };
    const onEnd = (): void => finish(new Error(`EOF after ${got} of ${n} bytes`));
    const timer = setTimeout(() => finish(new Error(`Timed out after ${got} of ${n} bytes`)), ms);
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', finish);
    sock.resume();
  });
}

/** Everything up to EOF. */
export function readToEnd(sock: Socket, ms = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('error', finish);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (c: Buffer): void => void chunks.push(c);
    const onEnd = (): void => finish();
    const timer = setTimeout(() => finish(new Error(`Timed out waiting for EOF after ${Buffer.concat(chunks).length} bytes`)), ms);
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', finish);
    sock.resume();
  });
}

/** The 256 byte values in order. */
export function allByteValues(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => i));
}

/** `n` deterministic pseudo-random bytes (xorshift32), every byte value many times over, as a Buffer. */
export function pseudoRandom(n: number, seed?: number): Buffer {
  const b = randomBytes(n, seed);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Run a command to its end, killed after `ms`. */
export function run(cmd: string, args: string[], ms = 8000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

let curlPath: string | undefined;

/** curl's path; throws (so the test FAILS, not skips) when curl is not on PATH. */
export function requireCurl(): string {
  if (curlPath) return curlPath;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir || '.', 'curl');
    try {
      accessSync(p, constants.X_OK);
      curlPath = p;
      return p;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'curl is not on PATH: the curl interop tests need it. Install it with `apt-get install -y --no-install-recommends curl` (.ci/run does this in CI).',
  );
}

/** curl with the options every interop test uses: bounded, quiet but showing errors. */
export async function curl(args: string[]): Promise<RunResult> {
  const r = await run(requireCurl(), ['-sS', '--max-time', '5', ...args]);
  return r;
}

export interface ParsedResponse {
  /** Interim (1xx) responses before the final one. */
  interim: Array<{ code: number; reason: string; fields: Array<[string, string]> }>;
  code: number;
  reason: string;
  version: string;
  fields: Array<[string, string]>;
  body: Buffer;
}

/**
 * Split what `curl -i` prints (every response head, then the body) without
 * using headwire: an independent reading of the wire.
 */
export function parseCurlOutput(out: Buffer): ParsedResponse {
  const interim: ParsedResponse['interim'] = [];
  let at = 0;
  for (;;) {
    const end = out.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) throw new Error(`No blank line in curl output: ${JSON.stringify(out.toString('latin1').slice(at, at + 200))}`);
    const lines = out.toString('latin1', at, end).split('\r\n');
    const m = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) throw new Error(`Not a status line: ${JSON.stringify(lines[0])}`);
    const fields = lines.slice(1).map((l): [string, string] => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
    const code = Number(m[2]);
    at = end + 4;
    if (code >= 100 && code < 200) {
      interim.push({ code, reason: m[3] ?? '', fields });
      continue;
    }
    return { interim, code, reason: m[3] ?? '', version: m[1]!, fields, body: out.subarray(at) };
  }
}

/** The error's `code` (and the rest of an HttpError) from a promise expected to reject. */
export async function rejection(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('Expected a rejection, but the promise resolved');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
