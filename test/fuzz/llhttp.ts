// Node's native llhttp (`_http_common`'s HTTPParser) as a head parser: its
// verdict on a head and, when it accepts, the start line and fields. Wired as
// Node's lib/_http_common.js wires it (TOOLCHAIN.md §11): `initialize(type, {},
// 0, 0)` (maxHeaderSize 0 = Node's default, lenient flags 0 = strict),
// `kOnHeaders` (flushed early past 32 pairs), `kOnHeadersComplete`.
//
// Verdict: "headers complete" fired = accept; `execute()` returned an Error
// first = reject; neither = incomplete. kOnHeadersComplete returns 2 ("no body,
// pause as for an upgrade"), so nothing after the head is parsed: body framing
// errors past the head cannot turn an accepted head into a rejection.
import { createRequire } from 'node:module';
import type { HeadKind } from '../../src/codec/index.ts';

/** The part of `_http_common` used here (@types/node has no types for it). */
interface ParserCtor {
  new (): Parser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
}

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenientFlags: number): void;
  execute(b: Uint8Array): number | (Error & { code: string; reason: string; bytesParsed: number });
  [key: number]: unknown;
}

const common = createRequire(import.meta.url)('_http_common') as {
  HTTPParser: ParserCtor;
  /** Method names in llhttp's order, but positional: not indexed by llhttp's codes. */
  methods: string[];
  isLenient(): boolean;
};
const { HTTPParser } = common;


export interface LlhttpOutcome {
  verdict: 'accept' | 'reject' | 'incomplete';
  /** On reject: llhttp's error code (`HPE_*`), reason and the offset it stopped at. */
  code?: string;
  reason?: string;
  offset?: number;
  /** On accept. */
  method?: string;
  url?: string;
  status?: number;
  statusMessage?: string;
  version?: string;
  /** Flat [name, value, name, value, ...], as Node's binding hands them over. */
  headers?: string[];
}

/** What this process's llhttp is: version and whether anything made it lenient. */
export function llhttpInfo(): { llhttp: string | undefined; node: string; insecureHttpParser: boolean } {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  return {
    llhttp: process.versions.llhttp,
    node: process.version,
    insecureHttpParser: common.isLenient() || flags.includes('--insecure-http-parser'),
  };
}

class Driver {
  readonly #parser = new HTTPParser();
  readonly #type: number;
  #headers: string[] = [];
  #url = '';
  #done: LlhttpOutcome | null = null;

  constructor(kind: HeadKind) {
    this.#type = kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE;
    const p = this.#parser;
    p[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
      for (const h of headers) this.#headers.push(h);
      this.#url += url;
    };
    p[HTTPParser.kOnHeadersComplete] = (
      major: number,
      minor: number,
      headers: string[] | undefined,
      method: number,
      url: string | undefined,
      status: number,
      statusMessage: string,
    ): number => {
      const request = this.#type === HTTPParser.REQUEST;
      this.#done = {
        verdict: 'accept',
        version: `${major}.${minor}`,
        headers: headers ?? this.#headers,
        method: request ? (CODE_NAMES.get(method) ?? `#${method}`) : undefined,
        url: request ? (url ?? this.#url) : undefined,
        status: request ? undefined : status,
        statusMessage: request ? undefined : statusMessage,
      };
      return 2;
    };
  }

  parse(data: Uint8Array): LlhttpOutcome {
    const p = this.#parser;
    p.initialize(this.#type, {}, 0, 0);
    this.#headers = [];
    this.#url = '';
    this.#done = null;
    const r = data.length === 0 ? 0 : p.execute(data);
    if (this.#done) return this.#done;
    if (typeof r === 'number') return { verdict: 'incomplete' };
    return { verdict: 'reject', code: r.code, reason: r.reason, offset: r.bytesParsed };
  }
}

const drivers: Record<HeadKind, Driver | null> = { request: null, response: null };

/**
 * llhttp's method table, calibrated against the binary itself: Node's exported
 * `methods` list is positional (QUERY sits at index 34, llhttp reports code 46),
 * so each candidate name is parsed once with an HTTP, an RTSP and an ICE version
 * and the code llhttp reports is recorded. PRI is left out: llhttp reserves it for
 * the HTTP/2 connection preface.
 */
const CODE_NAMES = new Map<number, string>();
/** The methods llhttp accepts in an HTTP/1.x request line. */
export const LLHTTP_METHODS = new Set<string>();
{
  const rtsp = ['DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER', 'REDIRECT', 'RECORD', 'FLUSH'];
  const probe = new HTTPParser();
  for (const name of [...common.methods, ...rtsp]) {
    if (name === 'PRI') continue;
    for (const version of ['HTTP/1.1', 'RTSP/1.0', 'ICE/1.0']) {
      let code = -1;
      probe.initialize(HTTPParser.REQUEST, {}, 0, 0);
      probe[HTTPParser.kOnHeadersComplete] = (_a: number, _b: number, _h: unknown, m: number): number => {
        code = m;
        return 2;
      };
      probe.execute(new TextEncoder().encode(`${name} / ${version}\r\n\r\n`));
      if (code < 0) continue;
      CODE_NAMES.set(code, name);
      if (version === 'HTTP/1.1') LLHTTP_METHODS.add(name);
    }
  }
}

/** llhttp's verdict on `data` as a head of `kind`. */
export function llhttpHead(kind: HeadKind, data: Uint8Array): LlhttpOutcome {
  return (drivers[kind] ??= new Driver(kind)).parse(data);
}
