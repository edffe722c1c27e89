// Type tests: the per-kind typings and the Rule union. The assertions are
// checked by tsc (`npm run typecheck` covers test/), where a wrong type or an
// unused @ts-expect-error fails; vitest runs the same calls for real, so each
// typed claim is also true of the values.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type DoneEvent,
  type FieldEvent,
  type Framing,
  HeadDecoder,
  type HeadEvent,
  type HeadEventOf,
  type HeadKind,
  HttpError,
  NEED_DATA,
  type NeedData,
  type ParsedHead,
  RULES,
  type RequestEvent,
  type Rule,
  type StartEventOf,
  type StatusEvent,
  framing,
  parseHead,
} from '../../src/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const REQUEST = enc('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
const RESPONSE = enc('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');

describe('parseHead is typed by kind', () => {
  it("'request' gives a RequestEvent first, then fields, then done", () => {
    const head = parseHead('request', REQUEST);
    expectTypeOf(head).toEqualTypeOf<ParsedHead<'request'> | null>();
    expectTypeOf(head!).toEqualTypeOf<[RequestEvent, ...FieldEvent[], DoneEvent]>();
    expectTypeOf(head![0]).toEqualTypeOf<RequestEvent>();
    expect(head![0].method).toBe('GET');
    expect(head![0].target).toBe('/a');
    // @ts-expect-error a request line has no status code
    expect(head![0].code).toBeUndefined();
  });

  it("'response' gives a StatusEvent first", () => {
    const head = parseHead('response', RESPONSE)!;
    expectTypeOf(head[0]).toEqualTypeOf<StatusEvent>();
    expect(head[0].code).toBe(200);
    // @ts-expect-error a status line has no method
    expect(head[0].method).toBeUndefined();
  });

  it('a kind known only as HeadKind gives either start line, and still a done last', () => {
    const kind = 'request' as HeadKind;
    const head = parseHead(kind, REQUEST)!;
    expectTypeOf(head[0]).toEqualTypeOf<RequestEvent | StatusEvent>();
    expectTypeOf<ParsedHead<HeadKind>[number]>().toEqualTypeOf<HeadEvent>();
    expect(head.at(-1)).toEqual({ type: 'done' });
  });

  it('the result is still a HeadEvent[] for code written against it', () => {
    const events: HeadEvent[] | null = parseHead('request', REQUEST);
    expect(events?.filter((e) => e.type === 'field')).toEqual([{ type: 'field', name: 'Host', value: 'x' }]);
  });
});

describe('HeadDecoder<K> is typed by kind', () => {
  it('infers K from the constructor and narrows next()', () => {
    const d = new HeadDecoder('response');
    expectTypeOf(d).toEqualTypeOf<HeadDecoder<'response'>>();
    expectTypeOf(d.kind).toEqualTypeOf<'response'>();
    expectTypeOf(d.next()).toEqualTypeOf<HeadEventOf<'response'> | NeedData>();
    expectTypeOf<HeadEventOf<'response'>>().toEqualTypeOf<StatusEvent | FieldEvent | DoneEvent>();
    d.receive(RESPONSE);
    const ev = d.next();
    if (ev === NEED_DATA) throw new Error('the whole head was given');
    // @ts-expect-error a response decoder never yields a request line
    expect(ev.type === 'request').toBe(false);
    expect(ev).toEqual({ type: 'status', code: 200, reason: 'OK', version: '1.1' });
  });

  it('HeadDecoder without a kind argument is either kind, and a typed decoder is assignable to it', () => {
    const any: HeadDecoder = new HeadDecoder('request');
    expectTypeOf(any.next()).toEqualTypeOf<HeadEvent | NeedData>();
    expectTypeOf<StartEventOf<HeadKind>>().toEqualTypeOf<RequestEvent | StatusEvent>();
    expect(any.kind).toBe('request');
  });
});

describe("framing() requires a response's status", () => {
  it('accepts a response context with status and a request context without', () => {
    expectTypeOf(framing('response', [], { version: '1.1', status: 204 })).toEqualTypeOf<Framing>();
    expect(framing('response', [], { version: '1.1', status: 204 })).toEqual({ type: 'none' });
    expect(framing('request', [], { version: '1.1' })).toEqual({ type: 'none' });
  });

  it('refuses a response context without status at compile time, as the call does at run time', () => {
    // @ts-expect-error a response's framing needs its status
    expect(() => framing('response', [], { version: '1.1' })).toThrow(HttpError);
  });
});

describe('Rule', () => {
  it('is the union of RULES, and HttpError.rule is typed by it', () => {
    expectTypeOf<(typeof RULES)[number]>().toEqualTypeOf<Rule>();
    expectTypeOf<HttpError['rule']>().toEqualTypeOf<Rule | undefined>();
    expectTypeOf<'bare-cr'>().toExtend<Rule>();
    // @ts-expect-error a misspelt rule is not a Rule
    const misspelt: Rule = 'bare_cr';
    expect(RULES).not.toContain(misspelt);
    // @ts-expect-error nor can an HttpError carry one
    expect(new HttpError('EPROTO', 'x', { rule: 'header-too-large' }).rule).toBe('header-too-large');
  });
});
