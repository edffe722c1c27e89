// A generator of chunked bodies for the llhttp differential and the body
// fuzzer: chunk lines, extensions, data and trailers drawn from pools of
// valid and hostile pieces (the smuggling classes: sizes with signs, prefixes,
// whitespace and overflow; extensions with bad bytes and BWS; terminators
// that are bare CR, bare LF or two arbitrary bytes; data longer or shorter
// than its size; trailers with the head's grammar errors). Deterministic for
// a seed, so a disagreement names its seed and replays.
import { prng } from '../support/bytes.ts';

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

const SIZE_PREFIX = ['', '', '', '', '0', '00', '+', '-', ' ', '\t', '0x', '0X'];
const SIZE_SUFFIX = ['', '', '', '', ' ', '\t', 'g', '_', '\x00', '\x80', 'h'];
const EXT = [
  '',
  '',
  '',
  ';a',
  ';a=b',
  ';name=value',
  ';a="q"',
  ';a="x \\"y\\""',
  ';a=""',
  ' ;a',
  '; a',
  ';a = b',
  '\t;\ta\t=\tb',
  ';a;b=c',
  ';',
  ';=b',
  ';a=',
  ';a b',
  ';a=b c',
  ';a="unterminated',
  ';a="\xe9"',
  ';a="\x7f"',
  ';a="\\\xe9"',
  ';a=b\x00',
  ';a@b',
  ';a="x"y',
  ';a ',
  ';a=b ',
];
const EOL = ['\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n', ' \r\n'];
const AFTER_DATA = ['\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', 'XX', '\rX', '', '\r\r\n'];
const TRAILER = [
  'X: y\r\n',
  'Digest: sha-256=abc\r\n',
  'A:  1 \r\n',
  'Empty:\r\n',
  'X: a\xe9b\r\n',
  'X : y\r\n',
  'Xy\r\n',
  'X: a\x00b\r\n',
  ' X: y\r\n',
  'X: a\r\n b\r\n',
  'X: a\rb\r\n',
  'X: a\n',
  'Content-Length: 5\r\n',
  'Transfer-Encoding: chunked\r\n',
];
const FINAL = ['\r\n', '\r\n', '\r\n', '\r\n', '\n', '\r', '', 'X'];

/** Hex digits for `n`, in a random case, sometimes with leading zeros. */
function hex(rnd: () => number, n: number): string {
  let s = n.toString(16);
  if (rnd() < 0.3) s = s.toUpperCase();
  if (rnd() < 0.1) s = '0'.repeat(1 + Math.floor(rnd() * 20)) + s;
  return s;
}

const BIG_SIZES = ['1fffffffffffff', '20000000000000', 'ffffffffffffffff', '10000000000000000', '10000000000000005', 'fffffffffffffff'];

/** One generated chunked body (a byte string), from `seed`. */
export function generateChunked(seed: number): string {
  const rnd = prng(seed);
  let out = '';
  const chunks = Math.floor(rnd() * 4);
  const hostile = rnd() < 0.5; // about half the bodies have no deliberate fault
  const fault = (p: number): boolean => hostile && rnd() < p;
  for (let k = 0; k < chunks; k++) {
    const n = 1 + Math.floor(rnd() * 12);
    let size = hex(rnd, n);
    if (fault(0.15)) size = pick(rnd, BIG_SIZES);
    out += (fault(0.15) ? pick(rnd, SIZE_PREFIX) : '') + size + (fault(0.15) ? pick(rnd, SIZE_SUFFIX) : '');
    out += rnd() < 0.3 ? pick(rnd, EXT) : '';
    out += fault(0.15) ? pick(rnd, EOL) : '\r\n';
    let data = '';
    for (let i = 0; i < n; i++) data += String.fromCharCode(rnd() < 0.8 ? 0x61 + Math.floor(rnd() * 26) : Math.floor(rnd() * 256));
    if (fault(0.1)) data = data.slice(0, Math.max(0, n - 1 - Math.floor(rnd() * 2)));
    else if (fault(0.1)) data += 'zz'.slice(0, 1 + Math.floor(rnd() * 2));
    out += data + (fault(0.2) ? pick(rnd, AFTER_DATA) : '\r\n');
  }
  out += (fault(0.1) ? pick(rnd, ['00', '000', ' 0', '0 ']) : '0') + (rnd() < 0.2 ? pick(rnd, EXT) : '');
  out += fault(0.15) ? pick(rnd, EOL) : '\r\n';
  const trailers = rnd() < 0.3 ? Math.floor(rnd() * 3) : 0;
  for (let t = 0; t < trailers; t++) out += hostile ? pick(rnd, TRAILER) : pick(rnd, TRAILER.slice(0, 5));
  out += fault(0.15) ? pick(rnd, FINAL) : '\r\n';
  if (rnd() < 0.1) out = out.slice(0, Math.floor(rnd() * out.length)); // cut short
  return out;
}
