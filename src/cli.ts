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
 * when bytes follow the head.
 *
 * A head that fails prints nothing on stdout: its events were not accepted. On
 * stderr come the error (`error CODE rule=RULE offset=N status=HINT: REASON`,
 * or `incomplete head: ...` when the input ends before the blank line), the
 * offending line escaped and cut to a readable width with a caret under the
 * byte, hints for look-alike inputs (TLS, the HTTP/2 preface, bare LF, the
 * other kind of head, curl trace output), then the events read before the
 * error, marked as not accepted. With `--json` all of it is one
 * `{"error":{...},"readBeforeError":[...]}` line on stdout.
 *
 * Exit status: 0 decoded, 1 the head is invalid or incomplete, 2 usage error.
 *
 * @example
 * ```sh
 * headwire decode capture.http
 * printf 'HTTP/1.1 204 No Content\r\n\r\n' | headwire decode --response --json
 * curl -s -o /dev/null --trace trace.txt http://127.0.0.1:8080/ && headwire decode --trace --response trace.txt
 * ```
 */
import { readFileSync } from 'node:fs';
import { excerpt } from './cli/excerpt.ts';
import { hintsFor } from './cli/hints.ts';
import { TraceError, headerBytesFromCurlTrace } from './cli/trace.ts';
import { HeadDecoder, type HeadEvent, type HeadKind, HttpError, NEED_DATA, escapeByteString } from './codec/index.ts';

const USAGE = `Usage: headwire decode [FILE|-] [--request|--response] [--lf] [--trace] [--json]
       headwire --help | --version

Decode a captured HTTP/1.1 head from FILE (stdin when FILE is - or absent)
and print its events, one per line. Run it without installing:
npx headwire --help

Options:
  --request   decode a request head (request line); the default
  --response  decode a response head (status line)
  --lf        accept a bare LF as a line end (lenient.lfOnly); default: error
  --trace     the input is \`curl --trace\` output: decode the request headers
              curl sent (with --response: the response headers it received)
  --json      print each event, and any error, as one JSON object per line
  -h, --help  print this help
  --version   print headwire's version

Exit status: 0 decoded, 1 invalid or incomplete head, 2 usage error.

Examples:
  printf 'GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n' | headwire decode
  curl -s -o /dev/null --trace trace.txt http://127.0.0.1:8080/
  headwire decode --trace --response trace.txt
`;

const INCOMPLETE = 'incomplete head: the input ended before the blank line';
const NO_HEAD = 'no head: the input ended before a start line began';
const NOT_ACCEPTED = 'read before the error (not accepted: the head is invalid):';
const NOT_ACCEPTED_INCOMPLETE = 'read before the input ended (not accepted: the head is incomplete):';

interface Args {
  file: string; // '-' for stdin
  kind: HeadKind;
  lfOnly: boolean;
  json: boolean;
  trace: boolean;
}

class UsageError extends Error {}

/** Parse the arguments after the script name. */
function parseArgs(argv: readonly string[]): Args | 'help' | 'version' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  if (argv.includes('--version')) return 'version';
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  if (command !== 'decode') throw new UsageError(`unknown command: ${command}`);
  const args: Args = { file: '-', kind: 'request', lfOnly: false, json: false, trace: false };
  let haveFile = false;
  for (const a of rest) {
    if (a === '--response') args.kind = 'response';
    else if (a === '--request') args.kind = 'request';
    else if (a === '--lf') args.lfOnly = true;
    else if (a === '--json') args.json = true;
    else if (a === '--trace') args.trace = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option: ${a}`);
    else if (haveFile) throw new UsageError(`more than one FILE: ${a}`);
    else {
      args.file = a;
      haveFile = true;
    }
  }
  if (rest.includes('--request') && rest.includes('--response')) throw new UsageError('--request and --response exclude each other');
  return args;
}

/** The package version, from the package.json beside dist/ (or src/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
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

/**
 * What went wrong, in one line. The input ending early is said as such (the
 * codec names it as a peer closing: ECONNRESET mid-head, EPIPE before one). A
 * decode error's message ends with the whole offending line in quotes, which
 * the excerpt shows cut to width, so that tail is left out here.
 */
function summary(e: HttpError): string {
  if (e.code === 'ECONNRESET') return `${INCOMPLETE} (offset ${e.offset ?? '-'})`;
  if (e.code === 'EPIPE') return NO_HEAD;
  const reason = e.message.replace(/: "(?:[^"\\]|\\.)*"$/, '');
  return `error ${e.code} rule=${e.rule ?? '-'} offset=${e.offset ?? '-'} status=${e.statusHint ?? '-'}: ${reason}`;
}

/** Decode one whole capture and print it; returns the exit status. */
function decode(bytes: Uint8Array, { kind, lfOnly, json }: Args): number {
  const d = new HeadDecoder(kind, { lenient: { lfOnly } });
  d.receive(bytes);
  d.end();
  const events: HeadEvent[] = [];
  try {
    // After end() the decoder never asks for more bytes: it reaches done or throws.
    for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
      events.push(ev);
      if (ev.type === 'done') break;
    }
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return failed(bytes, kind, lfOnly, json, e, events);
  }
  const lines = events.map((ev) => (json ? JSON.stringify(ev) : formatEvent(ev)));
  const n = d.rest().length;
  if (n > 0) lines.push(json ? JSON.stringify({ type: 'rest', length: n }) : `rest ${n} bytes`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Report a head that failed: nothing on stdout as if accepted. */
function failed(bytes: Uint8Array, kind: HeadKind, lfOnly: boolean, json: boolean, e: HttpError, events: HeadEvent[]): number {
  const hints = hintsFor(bytes, kind, lfOnly, e);
  if (json) {
    const { code, rule, offset, statusHint, message } = e;
    const error = { code, rule: rule ?? null, offset: offset ?? null, statusHint: statusHint ?? null, message, summary: summary(e), hints };
    process.stdout.write(`${JSON.stringify({ error, readBeforeError: events })}\n`);
    return 1;
  }
  const out = [summary(e)];
  // No excerpt when no head began: there is no offending line, only empty ones.
  if (e.offset !== undefined && e.code !== 'EPIPE') out.push(excerpt(bytes, e.offset));
  for (const h of hints) out.push(`hint: ${h}`);
  if (events.length > 0) {
    out.push(e.code === 'ECONNRESET' ? NOT_ACCEPTED_INCOMPLETE : NOT_ACCEPTED);
    for (const ev of events) out.push(`  ${formatEvent(ev)}`);
  }
  process.stderr.write(`${out.join('\n')}\n`);
  return 1;
}

/** The bytes to decode: the file or stdin, or with --trace the headers in a curl trace. */
function input(args: Args): Uint8Array {
  const buf = readFileSync(args.file === '-' ? 0 : args.file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (!args.trace) return bytes;
  return headerBytesFromCurlTrace(buf.toString('latin1'), args.kind === 'request' ? 'send' : 'recv');
}

function main(argv: readonly string[]): number {
  let args: Args | 'help' | 'version';
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
  if (args === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  let bytes: Uint8Array;
  const what = args.file === '-' ? 'stdin' : args.file;
  try {
    bytes = input(args);
  } catch (e) {
    if (e instanceof TraceError) {
      process.stderr.write(`headwire: ${what} is not curl --trace output: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`headwire: cannot read ${what}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return decode(bytes, args);
}

// exitCode, not process.exit(): let a piped stdout drain before Node exits.
process.exitCode = main(process.argv.slice(2));
