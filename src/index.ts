/**
 * headwire: a strict, sans-I/O HTTP/1.1 head codec.
 *
 * The package root loads in any runtime (Node, Deno, Bun, browsers): it
 * imports nothing runtime-specific.
 *
 * @example
 * ```ts
 * import { parseHead, HeadEncoder } from 'headwire';
 * const events = parseHead('request', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * const e = new HeadEncoder();
 * const wire = [e.status(204), e.field('Server', 'headwire'), e.done()];
 * ```
 */
export * from './codec/index.ts';
export * from './adapters/index.ts';
