// The CLI as users run it: the built dist/cli.js under node, bytes in through a
// file or stdin, exact lines out. Vitest under Node only (it spawns processes).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const SRC = join(ROOT, 'src', 'cli.ts');

let dir = '';

beforeAll(() => {
  // `npm test` builds first; when vitest runs alone, build a missing or stale CLI.
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < statSync(SRC).mtimeMs) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
  }
  dir = mkdtempSync(join(tmpdir(), 'headwire-cli-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Wire bytes from a byte string (one code unit per octet). */
function wire(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function tempFile(name: string, s: string): string {
  const path = join(dir, name);
  writeFileSync(path, wire(s));
  return path;
}

/** Run `node dist/cli.js ...args`, with `stdin` piped in when given. */
function run(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: stdin === undefined ? '' : wire(stdin),
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(stdout: string): unknown[] {
  return stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
}

const REQUEST = 'GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n';
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Empty:\r\n\r\n';

describe('headwire decode: text output', () => {
  it('decodes a request from a file', () => {
    const r = run(['decode', tempFile('request.http', REQUEST)]);
    expect(r).toEqual({
      status: 0,
      stdout: 'request GET /index.html HTTP/1.1\nfield Host: example.com\nfield Accept: */*\ndone\n',
      stderr: '',
    });
  });

  it('decodes a response from stdin, with no FILE and with -', () => {
    const expected = 'status 200 "OK" HTTP/1.1\nfield Content-Length: 4\nfield X-Empty:\ndone\n';
    expect(run(['decode', '--response'], RESPONSE)).toEqual({ status: 0, stdout: expected, stderr: '' });
    expect(run(['decode', '-', '--response'], RESPONSE)).toEqual({ status: 0, stdout: expected, stderr: '' });
  });

  it('quotes the reason phrase, also when empty', () => {
    const r = run(['decode', '--response'], 'HTTP/1.0 204\r\n\r\n');
    expect(r.stdout).toBe('status 204 "" HTTP/1.0\ndone\n');
    const q = run(['decode', '--response'], 'HTTP/1.1 299 say "hi"\r\n\r\n');
    expect(q.stdout).toBe('status 299 "say \\"hi\\"" HTTP/1.1\ndone\n');
  });

  it('reports bytes after the head as rest', () => {
    const r = run(['decode', tempFile('body.http', `${REQUEST}hello`)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'request GET /index.html HTTP/1.1\nfield Host: example.com\nfield Accept: */*\ndone\nrest 5 bytes\n',
    );
  });

  it('prints obs-text, HTAB and backslash escaped; a bare " stays as is', () => {
    const r = run(['decode'], 'GET / HTTP/1.1\r\nX-Name: caf\xe9 \x80\xff\r\nX-Q: a"b\\c\td\r\n\r\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('request GET / HTTP/1.1\nfield X-Name: caf\\xe9 \\x80\\xff\nfield X-Q: a"b\\\\c\\td\ndone\n');
  });
});

describe('headwire decode --json', () => {
  it('prints the exact events, then the rest length', () => {
    const r = run(['decode', '--json', '--response'], `${RESPONSE}body`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)).toEqual([
      { type: 'status', code: 200, reason: 'OK', version: '1.1' },
      { type: 'field', name: 'Content-Length', value: '4' },
      { type: 'field', name: 'X-Empty', value: '' },
      { type: 'done' },
      { type: 'rest', length: 4 },
    ]);
  });

  it('keeps byte strings as JS strings (obs-text round-trips)', () => {
    const r = run(['decode', '--json'], 'GET / HTTP/1.1\r\nX-Name: caf\xe9 \x80\r\n\r\n');
    expect(jsonLines(r.stdout)).toEqual([
      { type: 'request', method: 'GET', target: '/', version: '1.1' },
      { type: 'field', name: 'X-Name', value: 'caf\xe9 \x80' },
      { type: 'done' },
    ]);
  });

  it('prints an error as a JSON object on stdout and exits 1', () => {
    const r = run(['decode', '--json'], 'GET / HTTP/1.1\nHost: a\n\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)).toEqual([
      {
        error: {
          code: 'EPROTO',
          rule: 'bare-lf',
          offset: 14,
          statusHint: 400,
          message: 'Bare LF: byte 0x0a at offset 14: "GET / HTTP/1.1\\n"',
        },
      },
    ]);
  });
});

describe('headwire decode: errors', () => {
  const BARE_LF = 'GET / HTTP/1.1\nHost: a\n\n';

  it('rejects a bare LF by default, showing code, rule, offset and the escaped line', () => {
    const r = run(['decode', tempFile('bare-lf.http', BARE_LF)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error EPROTO rule=bare-lf offset=14 status=400: Bare LF: byte 0x0a at offset 14: "GET / HTTP/1.1\\n"\n',
    );
  });

  it('accepts a bare LF with --lf', () => {
    const r = run(['decode', '--lf', tempFile('bare-lf-ok.http', BARE_LF)]);
    expect(r).toEqual({ status: 0, stdout: 'request GET / HTTP/1.1\nfield Host: a\ndone\n', stderr: '' });
  });

  it('prints the events before the error', () => {
    const r = run(['decode'], 'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('request GET / HTTP/1.1\n');
    expect(r.stderr).toMatch(/^error EPROTO rule=bare-lf offset=23 status=400: .*"Host: a\\n"\n$/);
  });

  it('reports a response error without a status hint', () => {
    const r = run(['decode', '--response'], 'HTTP/2.0 200 OK\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error EPROTO rule=http-version offset=\d+ status=-: /);
  });

  it('reports incomplete input as ECONNRESET', () => {
    const r = run(['decode'], 'GET / HTTP/1.1\r\nHost: a\r\n');
    expect(r.status).toBe(1);
    // The last field is held until the next line shows it is not folded, so it may not print.
    expect(r.stdout).toMatch(/^request GET \/ HTTP\/1\.1\n/);
    expect(r.stderr).toMatch(/^error ECONNRESET rule=eof offset=25 status=400: Connection closed in the middle of a head/);
  });

  it('reports empty input as EPIPE', () => {
    const r = run(['decode']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error EPIPE rule=eof offset=0 status=-: /);
  });
});

describe('headwire: usage', () => {
  it('prints usage for --help and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: headwire decode \[FILE\|-\] \[--response\] \[--lf\] \[--json\]\n/);
    expect(run(['decode', '-h']).stdout).toBe(r.stdout);
  });

  it.each([
    [[], 'missing command'],
    [['encode'], 'unknown command: encode'],
    [['decode', '--bogus'], 'unknown option: --bogus'],
    [['decode', 'a.http', 'b.http'], 'more than one FILE: b.http'],
  ])('exits 2 on a usage error: %j', (args, why) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^headwire: ${why}\n\nUsage: headwire decode`));
  });

  it('exits 2 with a clear message for an unreadable file', () => {
    const missing = join(dir, 'missing.http');
    const r = run(['decode', missing]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`headwire: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'\n`);
  });
});
