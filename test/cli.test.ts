// The CLI as users run it: the built dist/cli.js under node, bytes in through a
// file or stdin, exact lines out. Vitest under Node only (it spawns processes).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from './package/build.ts';

const CLI = join(ROOT, 'dist', 'cli.js');

let dir = '';

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'headwire-cli-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Wire bytes from a byte string (one code unit per octet). */
function wire(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function tempFile(name: string, s: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, typeof s === 'string' ? wire(s) : s);
  return path;
}

/** Run `node dist/cli.js ...args`, with `stdin` piped in when given. */
function run(args: string[], stdin?: string | Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: stdin === undefined ? '' : typeof stdin === 'string' ? wire(stdin) : stdin,
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

  it('prints an error as one JSON object on stdout, with hints and the events read before it, and exits 1', () => {
    const r = run(['decode', '--json'], 'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)).toEqual([
      {
        error: {
          code: 'EPROTO',
          rule: 'bare-lf',
          offset: 23,
          statusHint: 400,
          message: 'Bare LF: byte 0x0a at offset 23: "Host: a\\n"',
          summary: 'error EPROTO rule=bare-lf offset=23 status=400: Bare LF: byte 0x0a at offset 23',
          hints: [HINT.bareLf.slice('hint: '.length)],
        },
        readBeforeError: [{ type: 'request', method: 'GET', target: '/', version: '1.1' }],
      },
    ]);
  });
});

// The hint texts, as users read them (src/cli/hints.ts is their one home).
const HINT = {
  tls: 'hint: this looks like TLS (a TLS record starts with byte 0x16); headwire decodes plaintext HTTP/1.1. Capture it before encryption, e.g. with curl --trace, and decode that with --trace',
  h2: 'hint: this is the HTTP/2 connection preface ("PRI * HTTP/2.0"), sent by h2c with prior knowledge; headwire decodes HTTP/1.1 heads only (for curl, try --http1.1)',
  curlTrace: 'hint: this looks like curl trace output; try --trace',
  response: 'hint: this looks like a response head (it starts with "HTTP/"); try --response',
  request: 'hint: this looks like a request head, not a response; try --request (the default) instead of --response',
  bareLf: 'hint: the line ends in a bare LF, not CRLF (files saved by editors and shell heredocs often do); try --lf',
  incomplete: 'hint: a head ends with an empty line (CRLF CRLF); was the capture cut short, or saved without its final blank line?',
};

/** A TLS 1.2 ClientHello record as a client sends it to an HTTP port by mistake. */
function clientHello(): Uint8Array {
  const body = new Uint8Array(508);
  for (let i = 0; i < body.length; i++) body[i] = (i * 37 + 11) & 0xff;
  return new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, ...body]);
}

describe('headwire decode: errors', () => {
  const BARE_LF = 'GET / HTTP/1.1\nHost: a\n\n';

  it('rejects a bare LF by default: code, rule, offset, the escaped line with a caret, and "try --lf"', () => {
    const r = run(['decode', tempFile('bare-lf.http', BARE_LF)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error EPROTO rule=bare-lf offset=14 status=400: Bare LF: byte 0x0a at offset 14',
        '  line 1: "GET / HTTP/1.1\\n"',
        '                         ^',
        HINT.bareLf,
        '',
      ].join('\n'),
    );
  });

  it('accepts a bare LF with --lf', () => {
    const r = run(['decode', '--lf', tempFile('bare-lf-ok.http', BARE_LF)]);
    expect(r).toEqual({ status: 0, stdout: 'request GET / HTTP/1.1\nfield Host: a\ndone\n', stderr: '' });
  });

  it('gives no --lf hint for a bare CR', () => {
    const r = run(['decode'], 'GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('hint:');
  });

  it('does not print the events of a failed head as accepted: a folded field', () => {
    const r = run(['decode'], 'GET / HTTP/1.1\r\nX-Folded: a\r\n b\r\nHost: c\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'error EPROTO rule=obs-fold offset=29 status=400: Obsolete line folding (obs-fold): byte 0x20 at offset 29',
        '  line 3: " b\\r\\n"',
        '           ^',
        'read before the error (not accepted: the head is invalid):',
        '  request GET / HTTP/1.1',
        '  field X-Folded: a',
        '',
      ].join('\n'),
    );
  });

  it('says that a file ending early is an incomplete head, not a connection reset', () => {
    const r = run(['decode', tempFile('cut.http', 'GET / HTTP/1.1\r\nHost: a\r\n')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'incomplete head: the input ended before the blank line (offset 25)',
        '  line 2: "Host: a\\r\\n"',
        '                      ^',
        HINT.incomplete,
        'read before the input ended (not accepted: the head is incomplete):',
        '  request GET / HTTP/1.1',
        '  field Host: a',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/reset|ECONNRESET|Connection closed/i);
  });

  it('says an input cut inside the start line is incomplete', () => {
    const r = run(['decode'], 'GET / HTT');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      ['incomplete head: the input ended before the blank line (offset 9)', '  line 1: "GET / HTT"', `${' '.repeat(20)}^`, HINT.incomplete, ''].join('\n'),
    );
  });

  it('says an empty input, or one of empty lines only, holds no head', () => {
    const expected = { status: 1, stdout: '', stderr: 'no head: the input ended before a start line began\n' };
    expect(run(['decode'])).toEqual(expected);
    expect(run(['decode'], '\r\n\r\n')).toEqual(expected);
  });

  it('reports a response error without a status hint', () => {
    const r = run(['decode', '--response'], 'HTTP/2.0 200 OK\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error EPROTO rule=http-version offset=\d+ status=-: /);
  });

  it('cuts a long offending line to a readable width around the byte, the caret under it', () => {
    const r = run(['decode'], `GET / HTTP/1.1\r\nX-Long: ${'a'.repeat(300)}\x01${'b'.repeat(300)}\r\n\r\n`);
    expect(r.status).toBe(1);
    const [first, line, caret] = r.stderr.split('\n');
    expect(first).toBe('error EPROTO rule=field-value offset=324 status=400: Invalid byte in field value: byte 0x01 at offset 324');
    expect(line).toBe(`  line 2: "…${'a'.repeat(36)}\\x01${'b'.repeat(32)}…"`);
    expect(caret!.length - 1).toBe(line!.indexOf('\\x01'));
    expect(caret!.trim()).toBe('^');
  });
});

describe('headwire decode: hints for inputs people paste', () => {
  it('TLS ClientHello: says it is TLS, and shows a short line, not the whole record', () => {
    const r = run(['decode', tempFile('hello.bin', clientHello())]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error EPROTO rule=method offset=0 status=400: Invalid byte in method: byte 0x16 at offset 0');
    expect(lines[1]).toMatch(/^ {2}line 1: "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc…"$/);
    expect(lines[2]).toBe('           ^');
    expect(lines.slice(3)).toEqual([HINT.tls]);
  });

  it('HTTP/2 preface: says so, with the h2c hint', () => {
    const r = run(['decode'], 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^error EPROTO rule=http-version offset=11 status=505: /);
    expect(r.stderr).toContain(`\n${HINT.h2}\n`);
  });

  it('a response given in request mode: try --response', () => {
    const r = run(['decode', tempFile('response.http', RESPONSE)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`\n${HINT.response}\n`);
    expect(run(['decode', '--response', tempFile('response.http', RESPONSE)]).status).toBe(0);
  });

  it('a request given to --response: try --request', () => {
    const r = run(['decode', '--response'], REQUEST);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`\n${HINT.request}\n`);
    expect(run(['decode', '--response', '--request'], REQUEST).status).toBe(2);
    expect(run(['decode', '--request'], REQUEST).status).toBe(0);
  });

  it('curl trace output given as a head: try --trace', () => {
    const r = run(['decode'], CURL_TRACE);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`\n${HINT.curlTrace}\n`);
  });
});

// `curl --trace` output as curl 7.88 writes it (headers sent in one block,
// received ones a block per line, data blocks in between, Info lines).
const CURL_TRACE = `== Info:   Trying 127.0.0.1:33187...
== Info: Connected to 127.0.0.1 (127.0.0.1) port 33187 (#0)
=> Send header, 77 bytes (0x4d)
0000: 47 45 54 20 2f 78 20 48 54 54 50 2f 31 2e 31 0d GET /x HTTP/1.1.
0010: 0a 48 6f 73 74 3a 20 31 32 37 2e 30 2e 30 2e 31 .Host: 127.0.0.1
0020: 3a 33 33 31 38 37 0d 0a 55 73 65 72 2d 41 67 65 :33187..User-Age
0030: 6e 74 3a 20 63 75 72 6c 2f 37 2e 38 38 2e 31 0d nt: curl/7.88.1.
0040: 0a 58 2d 54 3a 20 c3 a9 0d 0a 0d 0a 0a          .X-T: .......
<= Recv header, 17 bytes (0x11)
0000: 48 54 54 50 2f 31 2e 31 20 32 30 30 20 4f 4b 0d HTTP/1.1 200 OK.
0010: 0a                                              .
<= Recv header, 19 bytes (0x13)
0000: 43 6f 6e 74 65 6e 74 2d 4c 65 6e 67 74 68 3a 20 Content-Length: 
0010: 32 0d 0a                                        2..
<= Recv header, 2 bytes (0x2)
0000: 0d 0a                                           ..
<= Recv data, 2 bytes (0x2)
0000: 68 69                                           hi
== Info: Connection #0 to host 127.0.0.1 left intact
`;

describe('headwire decode --trace (curl --trace output)', () => {
  it('decodes the request headers curl sent', () => {
    const r = run(['decode', '--trace', tempFile('trace.txt', CURL_TRACE)]);
    expect(r).toEqual({
      status: 0,
      stdout: 'request GET /x HTTP/1.1\nfield Host: 127.0.0.1:33187\nfield User-Agent: curl/7.88.1\nfield X-T: \\xc3\\xa9\ndone\nrest 1 bytes\n',
      stderr: '',
    });
  });

  it('decodes the response headers curl received, with --response', () => {
    const r = run(['decode', '--trace', '--response'], CURL_TRACE);
    expect(r).toEqual({ status: 0, stdout: 'status 200 "OK" HTTP/1.1\nfield Content-Length: 2\ndone\n', stderr: '' });
  });

  it('refuses a block whose hex dump does not match its declared size', () => {
    const r = run(['decode', '--trace'], CURL_TRACE.replace('77 bytes (0x4d)', '78 bytes (0x4e)'));
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: 'headwire: stdin is not curl --trace output: line 3: the block declares 78 bytes but its hex dump has 77\n',
    });
  });

  it('refuses --trace-ascii output and says to use --trace', () => {
    const ascii = '== Info: Connected\n=> Send header, 18 bytes (0x12)\n0000: GET / HTTP/1.1\n0010: \n';
    const r = run(['decode', '--trace'], ascii);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('headwire: stdin is not curl --trace output: line 3: expected hex bytes after the offset (is this --trace-ascii output? use --trace)\n');
  });

  it('refuses a file with no header block', () => {
    expect(run(['decode', '--trace'], REQUEST).stderr).toBe('headwire: stdin is not curl --trace output: no "=> Send header" block in the trace\n');
  });

  it('decodes a trace written by the real curl against a local server', async () => {
    const server = createServer((c) => {
      c.once('data', () => c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Reply: yes\r\n\r\nhi'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const trace = join(dir, 'real-trace.txt');
    try {
      await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '--max-time', '10', '--trace', trace, '-H', 'X-Probe: 1', `http://127.0.0.1:${port}/probe`]);
    } finally {
      server.close();
    }
    expect(readFileSync(trace, 'latin1')).toContain('=> Send header');
    const sent = run(['decode', '--trace', trace]);
    expect(sent.status).toBe(0);
    expect(sent.stdout).toMatch(/^request GET \/probe HTTP\/1\.1\nfield Host: 127\.0\.0\.1:\d+\n(field .*\n)*field X-Probe: 1\ndone\n$/);
    const received = run(['decode', '--trace', '--response', trace]);
    expect(received).toEqual({ status: 0, stdout: 'status 200 "OK" HTTP/1.1\nfield Content-Length: 2\nfield X-Reply: yes\ndone\n', stderr: '' });
  });
});

describe('headwire: usage', () => {
  it('prints usage for --help and exits 0, saying how to run it with npx', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: headwire decode \[FILE\|-\] \[--request\|--response\] \[--lf\] \[--trace\] \[--json\]\n/);
    expect(r.stdout).toContain('npx headwire --help');
    for (const option of ['--request', '--response', '--lf', '--trace', '--json', '-h, --help', '--version']) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${option} +\\S`));
    }
    expect(run(['decode', '-h']).stdout).toBe(r.stdout);
  });

  it('prints the version from package.json for --version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [[], 'missing command'],
    [['encode'], 'unknown command: encode'],
    [['decode', '--bogus'], 'unknown option: --bogus'],
    [['decode', 'a.http', 'b.http'], 'more than one FILE: b.http'],
    [['decode', '--request', '--response'], '--request and --response exclude each other'],
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
