#!/usr/bin/env node
/**
 * `headwire decode`: decode a captured HTTP/1.1 head from a file or stdin and
 * print its events, one per line. The whole input is fed to one `HeadDecoder`,
 * then `end()` (EOF), so an unfinished head is reported, not waited for.
 *
 * Text output. Every byte string goes through `escapeByteString`, so CTLs and
 * obs-text show as `\t`, `\xHH` and a backslash as `\\`. The reason phrase is
 * quoted (it may hold spaces or be empty, and the version follows it); method,
 * target and name cannot hold SP, and a value runs to the end of the line, so
 * those stay bare, with `"` left unescaped. An empty value prints as `field NAME:`.
 *
 * ```
 * request GET /index.html HTTP/1.1
 * status 200 "OK" HTTP/1.1
 * field Host: example.com
 * done
 * rest 4 bytes
 * ```
 *
 * `--json` prints each event object as it is, then `{"type":"rest","length":N}`
 * when bytes follow the head. A decode error prints
 * `error CODE rule=RULE offset=N status=HINT: MESSAGE` on stderr (or
 * `{"error":{...}}` on stdout with `--json`; an absent detail is `-` or null).
 *
 * Exit status: 0 decoded, 1 the head is invalid or incomplete, 2 usage error.
 *
 * @example
 * ```sh
 * headwire decode capture.http
 * printf 'HTTP/1.1 204 No Content\r\n\r\n' | headwire decode --response --json
 * ```
 */
import { readFileSync } from 'node:fs';
import { HeadDecoder, type HeadEvent, type HeadKind, HttpError, NEED_DATA, escapeByteString } from './codec/index.ts';

const USAGE = `Usage: headwire decode [FILE|-] [--response] [--lf] [--json]

Decode a captured HTTP/1.1 head from FILE (stdin when FILE is - or absent)
and print its events, one per line.

Options:
  --response  decode a response head (status line); default: a request head
  --lf        accept a bare LF as a line end (lenient.lfOnly); default: error
  --json      print each event, and any error, as one JSON object per line
  -h, --help  print this help

Exit status: 0 decoded, 1 invalid or incomplete head, 2 usage error.
`;

interface Args {
  file: string; // '-' for stdin
  kind: HeadKind;
  lfOnly: boolean;
  json: boolean;
}

class UsageError extends Error {}

/** Parse the arguments after the script name. */
function parseArgs(argv: readonly string[]): Args | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  if (command !== 'decode') throw new UsageError(`unknown command: ${command}`);
  const args: Args = { file: '-', kind: 'request', lfOnly: false, json: false };
  let haveFile = false;
  for (const a of rest) {
    if (a === '--response') args.kind = 'response';
    else if (a === '--lf') args.lfOnly = true;
    else if (a === '--json') args.json = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option: ${a}`);
    else if (haveFile) throw new UsageError(`more than one FILE: ${a}`);
    else {
      args.file = a;
      haveFile = true;
    }
  }
  return args;
}

/** A byte string escaped for an unquoted spot: a `"` needs no escape there. */
function bare(s: string): string {
  return s.split('"').map(escapeByteString).join('"');
}

/** One event as one line of text. */
function formatEvent(ev: HeadEvent): string {
  switch (ev.type) {
    case 'request':
      return `request ${bare(ev.method)} ${bare(ev.target)} HTTP/${ev.version}`;
    case 'status':
      return `status ${ev.code} "${escapeByteString(ev.reason)}" HTTP/${ev.version}`;
    case 'field':
      return ev.value === '' ? `field ${bare(ev.name)}:` : `field ${bare(ev.name)}: ${bare(ev.value)}`;
    case 'done':
      return 'done';
  }
}

function formatError(e: HttpError, json: boolean): string {
  const { code, rule, offset, statusHint, message } = e;
  if (json) {
    return JSON.stringify({ error: { code, rule: rule ?? null, offset: offset ?? null, statusHint: statusHint ?? null, message } });
  }
  return `error ${code} rule=${rule ?? '-'} offset=${offset ?? '-'} status=${statusHint ?? '-'}: ${message}`;
}

/** Decode one whole capture and print it; returns the exit status. */
function decode(bytes: Uint8Array, { kind, lfOnly, json }: Args): number {
  const d = new HeadDecoder(kind, { lenient: { lfOnly } });
  d.receive(bytes);
  d.end();
  const lines: string[] = [];
  try {
    // After end() the decoder never asks for more bytes: it reaches done or throws.
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
      lines.push(json ? JSON.stringify(ev) : formatEvent(ev));
      if (ev.type === 'done') break;
    }
    const n = d.rest().length;
    if (n > 0) lines.push(json ? JSON.stringify({ type: 'rest', length: n }) : `rest ${n} bytes`);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    if (json) lines.push(formatError(e, true));
    else process.stderr.write(`${formatError(e, false)}\n`);
    return write(lines, 1);
  }
  return write(lines, 0);
}

function write(lines: string[], status: number): number {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  return status;
}

function main(argv: readonly string[]): number {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`headwire: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(args.file === '-' ? 0 : args.file);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const what = args.file === '-' ? 'stdin' : args.file;
    process.stderr.write(`headwire: cannot read ${what}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return decode(bytes, args);
}

// exitCode, not process.exit(): let a piped stdout drain before Node exits.
process.exitCode = main(process.argv.slice(2));
