// The HeadEncoder: the exact bytes of each command, and every refusal. The
// encoder refuses what a decoder would reject (EINVAL) instead of escaping it,
// so a CR, LF or NUL from an argument never reaches the wire (libdill, h11).
import { describe, expect, it } from 'vitest';
import { HeadEncoder, HttpError, type HttpVersion, type StatusEvent, encodeHead, parseHead } from '../../src/index.ts';

/** Bytes to a byte string, one code unit per octet (never TextDecoder('latin1'): that is windows-1252). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** The error `fn` throws; fails the test when it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, but the command returned');
}

/** Where a case starts: a fresh encoder, after a start line, or after done(). */
type Before = 'start-line' | 'field-line' | 'done';

function encoderAt(before: Before): HeadEncoder {
  const e = new HeadEncoder();
  if (before !== 'start-line') e.request('GET', '/');
  if (before === 'done') e.done();
  return e;
}

// A version that the type system would not let through, as a careless caller might pass.
const v = (s: string): HttpVersion => s as HttpVersion;

describe('HeadEncoder bytes', () => {
  const cases: Array<{ why: string; before: Before; call: (e: HeadEncoder) => Uint8Array; wire: string }> = [
    { why: 'request line, default version 1.1', before: 'start-line', call: (e) => e.request('GET', '/'), wire: 'GET / HTTP/1.1\r\n' },
    { why: 'request line, HTTP/1.0', before: 'start-line', call: (e) => e.request('GET', '/', '1.0'), wire: 'GET / HTTP/1.0\r\n' },
    { why: 'any token is a method, case kept', before: 'start-line', call: (e) => e.request("m!#$%&'*+-.^_`|~9", '*'), wire: "m!#$%&'*+-.^_`|~9 * HTTP/1.1\r\n" },
    { why: 'absolute-form target with every kind of VCHAR', before: 'start-line', call: (e) => e.request('OPTIONS', 'http://a:1/p?q=[]{}"<>\\~#'), wire: 'OPTIONS http://a:1/p?q=[]{}"<>\\~# HTTP/1.1\r\n' },
    { why: 'status line, known code takes the RFC 9110 reason', before: 'start-line', call: (e) => e.status(200), wire: 'HTTP/1.1 200 OK\r\n' },
    { why: 'status line, HTTP/1.0', before: 'start-line', call: (e) => e.status(404, undefined, '1.0'), wire: 'HTTP/1.0 404 Not Found\r\n' },
    { why: 'custom reason is written as given', before: 'start-line', call: (e) => e.status(200, 'Fine\tThanks  '), wire: 'HTTP/1.1 200 Fine\tThanks  \r\n' },
    { why: 'obs-text reason is one byte per code unit', before: 'start-line', call: (e) => e.status(200, 'Tr\xe8s bien'), wire: 'HTTP/1.1 200 Tr\xe8s bien\r\n' },
    { why: 'unknown code without a reason keeps the SP, empty reason', before: 'start-line', call: (e) => e.status(299), wire: 'HTTP/1.1 299 \r\n' },
    { why: 'empty reason overrides the default phrase', before: 'start-line', call: (e) => e.status(200, ''), wire: 'HTTP/1.1 200 \r\n' },
    { why: 'lowest code', before: 'start-line', call: (e) => e.status(100), wire: 'HTTP/1.1 100 Continue\r\n' },
    { why: 'highest code, unknown', before: 'start-line', call: (e) => e.status(599), wire: 'HTTP/1.1 599 \r\n' },
    { why: 'field line: name, colon, one SP, value', before: 'field-line', call: (e) => e.field('Host', 'a'), wire: 'Host: a\r\n' },
    { why: 'name case is kept', before: 'field-line', call: (e) => e.field('x-CuStOm', 'v'), wire: 'x-CuStOm: v\r\n' },
    { why: 'empty value', before: 'field-line', call: (e) => e.field('X', ''), wire: 'X: \r\n' },
    { why: 'inner SP and HTAB are kept', before: 'field-line', call: (e) => e.field('X', 'a \t b'), wire: 'X: a \t b\r\n' },
    { why: 'obs-text value: 0xE9 is one byte, not UTF-8', before: 'field-line', call: (e) => e.field('X', 'caf\xe9'), wire: 'X: caf\xe9\r\n' },
    { why: 'obs-text 0x80-0x9F is not rewritten (windows-1252 would)', before: 'field-line', call: (e) => e.field('X', '\x80\x9f\xa0\xff'), wire: 'X: \x80\x9f\xa0\xff\r\n' },
    { why: 'done is the blank line', before: 'field-line', call: (e) => e.done(), wire: '\r\n' },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const out = c.call(encoderAt(c.before));
      expect(out).toBeInstanceOf(Uint8Array);
      expect(latin1(out)).toBe(c.wire);
      expect(out.length).toBe(c.wire.length);
    });
  }

  it("writes 'caf\\xe9' as the four bytes 63 61 66 e9", () => {
    const out = encoderAt('field-line').field('X', 'caf\xe9');
    expect(Array.from(out.subarray(3, 7))).toEqual([0x63, 0x61, 0x66, 0xe9]);
  });

  it('a whole head is the concatenation of the commands', () => {
    const e = new HeadEncoder();
    const parts = [e.status(204), e.field('Server', 'headwire'), e.field('Server', 'twice'), e.done()];
    expect(parts.map(latin1).join('')).toBe('HTTP/1.1 204 No Content\r\nServer: headwire\r\nServer: twice\r\n\r\n');
  });

  it('each done() returns fresh bytes: changing one does not change the next', () => {
    const e = new HeadEncoder();
    e.request('GET', '/');
    const first = e.done();
    first[0] = 0x41;
    e.reset();
    e.request('GET', '/');
    expect(latin1(e.done())).toBe('\r\n');
  });
});

describe('HeadEncoder refusals', () => {
  const cases: Array<{ why: string; before: Before; call: (e: HeadEncoder) => unknown; code: string; rule: string }> = [
    // Code units above 0xFF cannot be one octet.
    { why: 'U+0100 in a method', before: 'start-line', call: (e) => e.request('G\u0100T', '/'), code: 'EINVAL', rule: 'method' },
    { why: 'U+20AC (euro) in a target', before: 'start-line', call: (e) => e.request('GET', '/\u20ac'), code: 'EINVAL', rule: 'request-target' },
    { why: 'U+0100 in a reason', before: 'start-line', call: (e) => e.status(200, 'O\u0100K'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'U+20AC (euro) in a reason', before: 'start-line', call: (e) => e.status(200, '\u20ac'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'U+0100 in a name', before: 'field-line', call: (e) => e.field('X\u0100', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: 'U+20AC (euro) in a value: it is not written as UTF-8', before: 'field-line', call: (e) => e.field('X', '5\u20ac'), code: 'EINVAL', rule: 'field-value' },
    { why: 'a lone surrogate in a value', before: 'field-line', call: (e) => e.field('X', 'a\ud800'), code: 'EINVAL', rule: 'field-value' },
    // Line ends and other CTLs in values: header injection and response splitting.
    { why: 'CR in a value', before: 'field-line', call: (e) => e.field('X', 'a\rb'), code: 'EINVAL', rule: 'field-value' },
    { why: 'LF in a value', before: 'field-line', call: (e) => e.field('X', 'a\nb'), code: 'EINVAL', rule: 'field-value' },
    { why: 'CRLF in a value (a second field smuggled in)', before: 'field-line', call: (e) => e.field('X', 'a\r\nEvil: 1'), code: 'EINVAL', rule: 'field-value' },
    { why: 'NUL in a value', before: 'field-line', call: (e) => e.field('X', 'a\x00b'), code: 'EINVAL', rule: 'field-value' },
    { why: 'CTL 0x01 in a value', before: 'field-line', call: (e) => e.field('X', '\x01'), code: 'EINVAL', rule: 'field-value' },
    { why: 'DEL 0x7F in a value', before: 'field-line', call: (e) => e.field('X', 'a\x7f'), code: 'EINVAL', rule: 'field-value' },
    { why: 'CR in a reason', before: 'start-line', call: (e) => e.status(200, 'OK\r'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'LF in a reason', before: 'start-line', call: (e) => e.status(200, 'O\nK'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'NUL in a reason', before: 'start-line', call: (e) => e.status(200, '\x00'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'CTL 0x01 in a reason', before: 'start-line', call: (e) => e.status(200, 'a\x01'), code: 'EINVAL', rule: 'reason-phrase' },
    { why: 'DEL 0x7F in a reason', before: 'start-line', call: (e) => e.status(200, '\x7f'), code: 'EINVAL', rule: 'reason-phrase' },
    // OWS at the ends of a value would be trimmed by the decoder: it would not round-trip.
    { why: 'leading SP in a value', before: 'field-line', call: (e) => e.field('X', ' a'), code: 'EINVAL', rule: 'field-value' },
    { why: 'trailing SP in a value', before: 'field-line', call: (e) => e.field('X', 'a '), code: 'EINVAL', rule: 'field-value' },
    { why: 'leading HTAB in a value', before: 'field-line', call: (e) => e.field('X', '\ta'), code: 'EINVAL', rule: 'field-value' },
    { why: 'trailing HTAB in a value', before: 'field-line', call: (e) => e.field('X', 'a\t'), code: 'EINVAL', rule: 'field-value' },
    { why: 'a value of one SP', before: 'field-line', call: (e) => e.field('X', ' '), code: 'EINVAL', rule: 'field-value' },
    // Names and methods are tokens (RFC 9110 §5.6.2).
    { why: 'empty name', before: 'field-line', call: (e) => e.field('', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: 'SP in a name (whitespace before the colon, §5.1)', before: 'field-line', call: (e) => e.field('X ', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: "':' in a name would move the value", before: 'field-line', call: (e) => e.field('X:Y', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: "'/' in a name is a separator, not a tchar", before: 'field-line', call: (e) => e.field('a/b', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: "'@' in a name is a separator, not a tchar", before: 'field-line', call: (e) => e.field('a@b', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: 'CRLF in a name', before: 'field-line', call: (e) => e.field('X\r\nY', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: 'obs-text in a name', before: 'field-line', call: (e) => e.field('caf\xe9', 'a'), code: 'EINVAL', rule: 'field-name' },
    { why: 'empty method', before: 'start-line', call: (e) => e.request('', '/'), code: 'EINVAL', rule: 'method' },
    { why: 'SP in a method would shift the target', before: 'start-line', call: (e) => e.request('G T', '/'), code: 'EINVAL', rule: 'method' },
    { why: "':' in a method", before: 'start-line', call: (e) => e.request('GET:', '/'), code: 'EINVAL', rule: 'method' },
    { why: "'/' in a method", before: 'start-line', call: (e) => e.request('GE/T', '/'), code: 'EINVAL', rule: 'method' },
    { why: "'@' in a method", before: 'start-line', call: (e) => e.request('@', '/'), code: 'EINVAL', rule: 'method' },
    // Targets are 1*( %x21-7E ).
    { why: 'empty target', before: 'start-line', call: (e) => e.request('GET', ''), code: 'EINVAL', rule: 'request-target' },
    { why: 'SP in a target would add a request-line element', before: 'start-line', call: (e) => e.request('GET', '/a b'), code: 'EINVAL', rule: 'request-target' },
    { why: 'HTAB in a target', before: 'start-line', call: (e) => e.request('GET', '/\t'), code: 'EINVAL', rule: 'request-target' },
    { why: 'CR in a target', before: 'start-line', call: (e) => e.request('GET', '/\r'), code: 'EINVAL', rule: 'request-target' },
    { why: 'LF in a target', before: 'start-line', call: (e) => e.request('GET', '/\n'), code: 'EINVAL', rule: 'request-target' },
    { why: 'NUL in a target', before: 'start-line', call: (e) => e.request('GET', '/\x00'), code: 'EINVAL', rule: 'request-target' },
    { why: 'DEL in a target', before: 'start-line', call: (e) => e.request('GET', '/\x7f'), code: 'EINVAL', rule: 'request-target' },
    { why: 'byte 0x80 in a target (no obs-text in URIs)', before: 'start-line', call: (e) => e.request('GET', '/\x80'), code: 'EINVAL', rule: 'request-target' },
    { why: 'byte 0xE9 in a target', before: 'start-line', call: (e) => e.request('GET', '/caf\xe9'), code: 'EINVAL', rule: 'request-target' },
    // Status codes are 3DIGIT in 100-599.
    { why: 'status 99 has two digits', before: 'start-line', call: (e) => e.status(99), code: 'EINVAL', rule: 'status-code' },
    { why: 'status 600 is outside 1xx-5xx', before: 'start-line', call: (e) => e.status(600), code: 'EINVAL', rule: 'status-code' },
    { why: 'status 200.5 is not an integer', before: 'start-line', call: (e) => e.status(200.5), code: 'EINVAL', rule: 'status-code' },
    { why: 'status NaN', before: 'start-line', call: (e) => e.status(Number.NaN), code: 'EINVAL', rule: 'status-code' },
    { why: 'status Infinity', before: 'start-line', call: (e) => e.status(Number.POSITIVE_INFINITY), code: 'EINVAL', rule: 'status-code' },
    { why: "status '200' as a string", before: 'start-line', call: (e) => e.status('200' as unknown as number), code: 'EINVAL', rule: 'status-code' },
    // Only HTTP/1.0 and HTTP/1.1 are spoken.
    { why: "request version '2.0'", before: 'start-line', call: (e) => e.request('GET', '/', v('2.0')), code: 'EINVAL', rule: 'http-version' },
    { why: "request version '1.2'", before: 'start-line', call: (e) => e.request('GET', '/', v('1.2')), code: 'EINVAL', rule: 'http-version' },
    { why: "request version 'HTTP/1.1' (the prefix is the encoder's)", before: 'start-line', call: (e) => e.request('GET', '/', v('HTTP/1.1')), code: 'EINVAL', rule: 'http-version' },
    { why: "status version '1.1\\r\\n' smuggling a line end", before: 'start-line', call: (e) => e.status(200, 'OK', v('1.1\r\n')), code: 'EINVAL', rule: 'http-version' },
    { why: "status version '' (empty)", before: 'start-line', call: (e) => e.status(200, 'OK', v('')), code: 'EINVAL', rule: 'http-version' },
    // Commands in the wrong order.
    { why: 'field before the start line', before: 'start-line', call: (e) => e.field('Host', 'a'), code: 'EINVAL', rule: 'order' },
    { why: 'done before the start line', before: 'start-line', call: (e) => e.done(), code: 'EINVAL', rule: 'order' },
    { why: 'a second request line', before: 'field-line', call: (e) => e.request('GET', '/'), code: 'EINVAL', rule: 'order' },
    { why: 'a status line after a request line', before: 'field-line', call: (e) => e.status(200), code: 'EINVAL', rule: 'order' },
    // After done() the head is finished: EPIPE, as libdill's http_send* after http_done.
    { why: 'request after done', before: 'done', call: (e) => e.request('GET', '/'), code: 'EPIPE', rule: 'order' },
    { why: 'status after done', before: 'done', call: (e) => e.status(200), code: 'EPIPE', rule: 'order' },
    { why: 'field after done', before: 'done', call: (e) => e.field('Host', 'a'), code: 'EPIPE', rule: 'order' },
    { why: 'done after done', before: 'done', call: (e) => e.done(), code: 'EPIPE', rule: 'order' },
    { why: 'an invalid field after done is still EPIPE (order is checked first)', before: 'done', call: (e) => e.field('', '\r'), code: 'EPIPE', rule: 'order' },
  ];
  for (const c of cases) {
    it(`${c.code} ${c.rule}: ${c.why}`, () => {
      const err = thrown(() => c.call(encoderAt(c.before)));
      expect(err).toBeInstanceOf(HttpError);
      const h = err as HttpError;
      expect(h.code).toBe(c.code);
      expect(h.rule).toBe(c.rule);
      expect(typeof h.message).toBe('string');
      expect(h.message.length).toBeGreaterThan(0);
    });
  }

  it('a refused command leaves the encoder where it was', () => {
    const e = new HeadEncoder();
    expect(() => e.request('GET', '/a b')).toThrow(HttpError);
    expect(e.state).toBe('start-line');
    expect(latin1(e.request('GET', '/'))).toBe('GET / HTTP/1.1\r\n');
    expect(() => e.field('X', 'a\r\nY: b')).toThrow(HttpError);
    expect(e.state).toBe('field-line');
    expect(latin1(e.field('X', 'a'))).toBe('X: a\r\n');
    expect(latin1(e.done())).toBe('\r\n');
    expect(e.state).toBe('done');
  });

  it('the message shows the offending argument escaped', () => {
    const err = thrown(() => encoderAt('field-line').field('X', 'a\r\nb')) as HttpError;
    expect(err.message).toContain('a\\r\\nb');
  });
});

describe('HeadEncoder reset', () => {
  it('reset() after done() allows a new head', () => {
    const e = new HeadEncoder();
    const first = [e.request('GET', '/'), e.field('Host', 'a'), e.done()].map(latin1).join('');
    expect(first).toBe('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(e.state).toBe('done');
    e.reset();
    expect(e.state).toBe('start-line');
    const second = [e.status(204), e.done()].map(latin1).join('');
    expect(second).toBe('HTTP/1.1 204 No Content\r\n\r\n');
  });

  it('reset() mid-head starts over at the start line', () => {
    const e = new HeadEncoder();
    e.request('GET', '/');
    e.reset();
    expect((thrown(() => e.field('Host', 'a')) as HttpError).code).toBe('EINVAL');
    expect(latin1(e.request('PUT', '/x', '1.0'))).toBe('PUT /x HTTP/1.0\r\n');
  });
});

describe('HeadEncoder views (no allocation per command)', () => {
  it('every view stays as written until reset(), even when the buffer grows under them', () => {
    const e = new HeadEncoder();
    const big = 'v'.repeat(5000); // more than the first buffer: the head moves to a larger one
    const parts = [e.status(200), e.field('A', 'a'), e.field('Big', big), e.field('B', 'b'), e.done()];
    expect(parts.map(latin1).join('')).toBe(`HTTP/1.1 200 OK\r\nA: a\r\nBig: ${big}\r\nB: b\r\n\r\n`);
  });

  it('after reset() the next head is written where the last one was (views are valid until reset)', () => {
    const e = new HeadEncoder();
    const first = e.status(200);
    e.done();
    e.reset();
    e.status(404);
    expect(latin1(first)).toBe('HTTP/1.1 404 Not Found\r\n'.slice(0, first.length));
  });

  it('a refused command leaves the views already returned intact', () => {
    const e = new HeadEncoder();
    const line = e.request('GET', '/');
    expect(() => e.field('X', 'bad\r\nvalue')).toThrow(HttpError);
    const f = e.field('Y', 'ok');
    expect([latin1(line), latin1(f)]).toEqual(['GET / HTTP/1.1\r\n', 'Y: ok\r\n']);
  });

  it('a later head laid out as an earlier one gets its own bytes (a view of the same bytes may come back)', () => {
    const e = new HeadEncoder();
    const first = [e.status(200), e.field('A', '1'), e.done()].map(latin1).join('');
    e.reset();
    const second = [e.status(404), e.field('Longer', 'value'), e.done()].map(latin1).join('');
    e.reset();
    const third = [e.status(201), e.field('B', '2'), e.field('C', '3'), e.done()].map(latin1).join('');
    expect([first, second, third]).toEqual([
      'HTTP/1.1 200 OK\r\nA: 1\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\nLonger: value\r\n\r\n',
      'HTTP/1.1 201 Created\r\nB: 2\r\nC: 3\r\n\r\n',
    ]);
  });

  it('after the buffer grew, a head laid out as one before it is written in the new buffer', () => {
    const e = new HeadEncoder();
    const small = (name: string): Uint8Array[] => [e.status(200), e.field(name, 'v'), e.done()];
    small('A');
    e.reset();
    const big = [e.status(200), e.field('Big', 'x'.repeat(3000)), e.done()];
    e.reset();
    const again = small('B');
    expect(again.map(latin1).join('')).toBe('HTTP/1.1 200 OK\r\nB: v\r\n\r\n');
    for (const view of again) expect(view.buffer).toBe(big[2]!.buffer); // big[0] was written before the move
  });
});

describe('encodeHead (one shot)', () => {
  it('is the concatenation of the commands, for requests and responses', () => {
    const e = new HeadEncoder();
    const commands = [e.status(201, 'Made', '1.0'), e.field('Location', '/x'), e.field('Server', 'hw'), e.done()];
    expect(latin1(encodeHead({ code: 201, reason: 'Made', version: '1.0' }, [['Location', '/x'], ['Server', 'hw']]))).toBe(commands.map(latin1).join(''));
    expect(latin1(encodeHead({ method: 'GET', target: '/a?b' }, [['Host', 'h']]))).toBe('GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(latin1(encodeHead({ code: 204 }, []))).toBe('HTTP/1.1 204 No Content\r\n\r\n');
  });

  it('takes a decoded start line as it is', () => {
    const wire = 'HTTP/1.1 200 OK\r\nX: caf\xe9\r\n\r\n';
    const events = parseHead('response', Uint8Array.from(wire, (c) => c.charCodeAt(0)))!;
    const fields = events.flatMap((ev) => (ev.type === 'field' ? [[ev.name, ev.value] as [string, string]] : []));
    expect(latin1(encodeHead(events[0] as StatusEvent, fields))).toBe(wire);
  });

  it('refuses what the commands refuse, with the same code and rule', () => {
    const cases: Array<[() => unknown, () => unknown]> = [
      [() => encodeHead({ method: 'G T', target: '/' }, []), () => new HeadEncoder().request('G T', '/')],
      [() => encodeHead({ method: 'GET', target: '/\u20ac' }, []), () => new HeadEncoder().request('GET', '/\u20ac')],
      [() => encodeHead({ code: 99 }, []), () => new HeadEncoder().status(99)],
      [() => encodeHead({ code: 200, reason: 'a\nb' }, []), () => new HeadEncoder().status(200, 'a\nb')],
      [() => encodeHead({ code: 200, version: v('2.0') }, []), () => new HeadEncoder().status(200, 'OK', v('2.0'))],
      [() => encodeHead({ code: 200 }, [['X', ' a']]), () => encoderAt('field-line').field('X', ' a')],
      [() => encodeHead({ code: 200 }, [['X', 'a\0']]), () => encoderAt('field-line').field('X', 'a\0')],
      [() => encodeHead({ code: 200 }, [['X:', 'a']]), () => encoderAt('field-line').field('X:', 'a')],
    ];
    for (const [oneShot, command] of cases) {
      const a = thrown(oneShot) as HttpError;
      const b = thrown(command) as HttpError;
      expect(a).toBeInstanceOf(HttpError);
      expect({ code: a.code, rule: a.rule }).toEqual({ code: b.code, rule: b.rule });
    }
    expect((thrown(() => encodeHead(null as never, [])) as HttpError).code).toBe('EINVAL');
    expect((thrown(() => encodeHead({ code: 200 }, [['X'] as never])) as HttpError).code).toBe('EINVAL');
  });

  it('is exported from the root and the codec entry', async () => {
    const codec = await import('../../src/codec/index.ts');
    expect(codec.encodeHead).toBe(encodeHead);
  });
});
