// The decoder across a connection: rest() after done, pipelining with reset(),
// EOF, sticky failure and calls made at the wrong time.
import { describe, expect, it } from 'vitest';
import { HeadDecoder, type HeadEvent, HttpError, NEED_DATA } from '../../src/index.ts';
import { bytes, chunkings, latin1 } from './chunking.ts';

function drain(d: HeadDecoder): HeadEvent[] {
  const out: HeadEvent[] = [];
  for (let ev = d.next(); ev !== NEED_DATA; ev = d.next()) {
    out.push(ev);
    if (ev.type === 'done') break;
  }
  return out;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e.code;
    throw e;
  }
  return undefined;
}

const A = 'GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n';
const B = 'POST /b HTTP/1.1\r\nHost: y\r\n\r\n';

describe('rest() and reset()', () => {
  it('rest() returns every byte past the blank line, across all chunks received so far', () => {
    const wire = bytes(`${A}hello${B}`);
    for (const [how, chunks] of chunkings(wire)) {
      const d = new HeadDecoder('request');
      for (const c of chunks) d.receive(c);
      expect({ how, n: drain(d).length }).toEqual({ how, n: 4 });
      expect({ how, rest: latin1(d.rest()) }).toEqual({ how, rest: `hello${B}` });
    }
  });

  it('bytes received after done show up in rest()', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes(`${A}he`));
    drain(d);
    d.receive(bytes('llo'));
    d.receive(bytes('!'));
    expect(latin1(d.rest())).toBe('hello!');
    expect(d.next()).toBe(NEED_DATA);
  });

  it('pipelined heads decode one after another with reset(), however chunked', () => {
    const wire = bytes(`${A}${B}${A}`);
    for (const [how, chunks] of chunkings(wire)) {
      const d = new HeadDecoder('request');
      const seen: string[] = [];
      let i = 0;
      for (;;) {
        const evs = drain(d);
        for (const e of evs) if (e.type === 'request') seen.push(e.target);
        if (evs.at(-1)?.type === 'done') {
          d.reset();
          continue;
        }
        if (i === chunks.length) break;
        d.receive(chunks[i++]!);
      }
      expect({ how, seen }).toEqual({ how, seen: ['/a', '/b', '/a'] });
    }
  });

  it('offsets stay absolute across pipelined messages', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes(`${A}GET / HTTP/1.1\r\nBad Name: x\r\n\r\n`));
    drain(d);
    d.reset();
    let err: HttpError | undefined;
    try {
      drain(d);
    } catch (e) {
      err = e as HttpError;
    }
    expect(err?.offset).toBe(A.length + 16 + 3);
  });

  it('rest() before done and reset() mid-head are EINVAL', () => {
    const d = new HeadDecoder('request');
    expect(codeOf(() => d.rest())).toBe('EINVAL');
    d.receive(bytes('GET / HT'));
    expect(d.next()).toBe(NEED_DATA);
    expect(codeOf(() => d.reset())).toBe('EINVAL');
  });

  it('reset() after an error drops the bad bytes and starts over', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET / HTTP/9.9\r\n\r\n'));
    expect(codeOf(() => d.next())).toBe('EPROTO');
    expect(codeOf(() => d.next())).toBe('EPROTO');
    d.reset();
    d.receive(bytes(B));
    expect(drain(d)[0]).toEqual({ type: 'request', method: 'POST', target: '/b', version: '1.1' });
  });
});

describe('EOF', () => {
  it('end() mid-head is ECONNRESET at the end of the input', () => {
    for (const cut of [1, 10, 20, A.length - 1]) {
      const d = new HeadDecoder('request');
      d.receive(bytes(A.slice(0, cut)));
      d.end();
      let err: HttpError | undefined;
      try {
        drain(d);
      } catch (e) {
        err = e as HttpError;
      }
      expect({ cut, code: err?.code, offset: err?.offset, rule: err?.rule }).toEqual({
        cut,
        code: 'ECONNRESET',
        offset: cut,
        rule: 'eof',
      });
    }
  });

  it('end() before any head (or after only empty lines) is EPIPE: a clean close', () => {
    for (const wire of ['', '\r\n']) {
      const d = new HeadDecoder('response');
      d.receive(bytes(wire));
      d.end();
      expect(codeOf(() => d.next())).toBe('EPIPE');
    }
  });

  it('end() after a complete head still delivers it, and rest() works', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes(`${A}xy`));
    d.end();
    expect(drain(d)).toHaveLength(4);
    expect(latin1(d.rest())).toBe('xy');
  });

  it('receive() after end() is EINVAL', () => {
    const d = new HeadDecoder('request');
    d.end();
    expect(codeOf(() => d.receive(bytes('x')))).toBe('EINVAL');
  });
});

describe('errors', () => {
  it('an error shows code, offset, rule, status hint and the offending line escaped', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET / HTTP/1.1\r\nX: a\rb\r\n\r\n'));
    let err: HttpError | undefined;
    try {
      drain(d);
    } catch (e) {
      err = e as HttpError;
    }
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(Error);
    expect(err?.code).toBe('EPROTO');
    expect(err?.offset).toBe(20);
    expect(err?.rule).toBe('bare-cr');
    expect(err?.statusHint).toBe(400);
    expect(err?.message).toBe('Bare CR: byte 0x0d at offset 20: "X: a\\rb\\r\\n"');
  });

  it('a bad version hints 505', () => {
    const d = new HeadDecoder('request');
    d.receive(bytes('GET / HTTP/2.0\r\n'));
    let err: HttpError | undefined;
    try {
      d.next();
    } catch (e) {
      err = e as HttpError;
    }
    expect(err?.statusHint).toBe(505);
    expect(err?.message).toContain('"GET / HTTP/2.0\\r\\n"');
  });

  it('bad constructor arguments are EINVAL', () => {
    expect(codeOf(() => new HeadDecoder('reply' as 'request'))).toBe('EINVAL');
    expect(codeOf(() => new HeadDecoder('request', { maxHeadSize: -1 }))).toBe('EINVAL');
    expect(codeOf(() => new HeadDecoder('request', { obsFold: 'keep' as 'reject' }))).toBe('EINVAL');
  });
});
