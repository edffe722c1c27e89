// The fast path for complete lines against the scanner alone (the invariant is
// at the top of ./lines-differential.ts), on the peer corpus, the bench heads,
// the saved crashes, heads built to hit each branch of the fast path, and
// random mutations of all of them. The fuzz runner checks it on every input too.
import { describe, expect, it } from 'vitest';
import { bytes } from '../support/bytes.ts';
import { allSeeds } from './corpus.ts';
import { compareFastSlow } from './lines-differential.ts';
import { Mutator } from './mutate.ts';

/** Heads at the edges of the fast path: each line shape it takes, and each it leaves to the scanner. */
const EDGES = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nX:\r\nY:   \r\nZ: b  \r\n\r\nBODY',
  'HTTP/1.1 200 OK\r\nA: b\r\n c\r\nD: e\r\n\r\n',
  'HTTP/1.1 200 OK\r\nA: b\r\n\t c \r\nD: e\r\n\r\nHTTP/1.0 204 \r\n\r\n',
  'HTTP/1.1 200\r\n\r\n',
  'HTTP/1.1 099 OK\r\n\r\n',
  'HTTP/1.1 600 OK\r\n\r\n',
  'HTTP/1.1 200 O\tK\xff\r\nA: \xe9t\xe9\r\n\r\n',
  'HTTP/1.2 200 OK\r\n\r\n',
  'GET / HTTP/1.1\nHost: a\n\n',
  'GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n',
  'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
  'GET / HTTP/1.1\r\n Host: a\r\n\r\n',
  'GET  / HTTP/1.1\r\n\r\n',
  'GET /\x80 HTTP/1.1\r\n\r\n',
  '\r\n\r\nGET / HTTP/1.1\r\nA: b\r\n\r\n',
  'GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\n\r\n',
  `GET /${'x'.repeat(300)} HTTP/1.1\r\nV: ${'v '.repeat(200)}\r\n\r\n`,
  'GET / HTTP/1.1\r\nA: b\x00c\r\n\r\n',
  'GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n',
  'GET / HTTP/1.1\r\nA: b\r\n\r',
  'GET / HTTP/1.1\r\nA: b\r',
  'POST /x HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n',
].map(bytes);

describe('fast path vs scanner alone', () => {
  it('agree on the edge heads', () => {
    for (const data of EDGES) expect(compareFastSlow(data)).toBe(null);
  });

  it('agree on the seed corpus and on mutations of it (at least 500, more for about 5 s)', () => {
    const seeds = [...EDGES, ...allSeeds().map((s) => s.data)];
    const m = new Mutator(9);
    const other = (): Uint8Array => seeds[m.int(seeds.length)]!;
    const started = performance.now();
    for (const data of seeds) expect(compareFastSlow(data)).toBe(null);
    // At least MIN_MUTATIONS however slow the machine (the seeds alone can take
    // 5 s on a loaded one), then more while the time lasts.
    const MIN_MUTATIONS = 500;
    let mutations = 0;
    while (mutations < MIN_MUTATIONS || (mutations < 20_000 && performance.now() - started < 5000)) {
      const data = m.mutate(other(), other);
      expect(compareFastSlow(data)).toBe(null);
      mutations++;
    }
  });
});
