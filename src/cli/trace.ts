/**
 * The bytes of one direction's headers in a `curl --trace FILE` dump.
 *
 * curl writes each block it sends or receives as a title line, then hex lines
 * of up to 16 bytes: an offset, the bytes in hex, and an ASCII column at a
 * fixed position (column 54) that must not be read as hex:
 *
 * ```
 * => Send header, 78 bytes (0x4e)
 * 0000: 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a GET / HTTP/1.1..
 * <= Recv header, 17 bytes (0x11)
 * ```
 *
 * Request headers come in one "Send header" block; response headers arrive as
 * one "Recv header" block per line. The blocks of the wanted direction are
 * joined in order, so a trace of several exchanges gives the heads back to back.
 */

/** Which blocks to take: what curl sent (a request) or received (a response). */
export type TraceDirection = 'send' | 'recv';

const TITLE = /^(=>|<=) (Send|Recv) ([A-Za-z ]+?), (\d+) bytes/;
const HEX_LINE = /^([0-9a-f]{4,}): /;
const HEX_COLUMNS = 16 * 3; // "hh " per byte, then the ASCII column

/** A trace that cannot be read; the message says why. */
export class TraceError extends Error {}

/** True when the text starts like curl's trace output (`--trace` or `--trace-ascii`). */
export function looksLikeCurlTrace(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, 16));
  return head.startsWith('== Info:') || head.startsWith('=> Send ') || head.startsWith('<= Recv ');
}

/** The header bytes of one direction, joined; throws TraceError on a malformed dump. */
export function headerBytesFromCurlTrace(text: string, direction: TraceDirection): Uint8Array {
  const want = direction === 'send' ? 'Send' : 'Recv';
  const out: number[] = [];
  let block: { take: boolean; declared: number; got: number; line: number } | null = null;
  let blocks = 0;
  const close = () => {
    if (block && block.got !== block.declared) {
      throw new TraceError(`line ${block.line}: the block declares ${block.declared} bytes but its hex dump has ${block.got}`);
    }
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const title = TITLE.exec(line);
    if (title) {
      close();
      const take = title[2] === want && title[3] === 'header';
      if (take) blocks++;
      block = { take, declared: Number(title[4]), got: 0, line: i + 1 };
      continue;
    }
    const hex = HEX_LINE.exec(line);
    if (!hex || !block) {
      // An Info line ends a block; other text (a body curl printed to the same stream) is skipped.
      if (line.startsWith('== ')) {
        close();
        block = null;
      }
      continue;
    }
    const start = hex[0].length;
    for (const pair of line.slice(start, start + HEX_COLUMNS).trim().split(' ')) {
      if (!/^[0-9a-f]{2}$/.test(pair)) {
        throw new TraceError(`line ${i + 1}: expected hex bytes after the offset (is this --trace-ascii output? use --trace)`);
      }
      block.got++;
      if (block.take) out.push(Number.parseInt(pair, 16));
    }
  }
  close();
  if (blocks === 0) throw new TraceError(`no "${direction === 'send' ? '=> Send' : '<= Recv'} header" block in the trace`);
  return Uint8Array.from(out);
}
