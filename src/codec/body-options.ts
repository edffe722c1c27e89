import { HttpError } from './errors.ts';
import { positiveInteger } from './options.ts';

/**
 * BodyDecoder options. Strict by default; each leniency is one named option
 * with its risk beside it. Every limit counts over the whole body, never per
 * `receive()`, so no chunking can slip past it.
 *
 * @example
 * ```ts
 * new BodyDecoder({ type: 'chunked' }, { maxBodySize: 1 << 20, lenient: { lfOnly: true } });
 * ```
 */
export interface BodyDecoderOptions {
  /** Relaxations of the grammar, each off by default; each one's risk is beside it. */
  lenient?: {
    /**
     * Accept a bare LF where the chunked coding has a line end: after a chunk
     * size line, after chunk data, in the trailer section. Risk: a hop that
     * ends these lines only at CRLF reads a different chunk structure. A bare
     * CR is still an error.
     */
    lfOnly?: boolean;
  };
  /**
   * Body bytes (the decoded data, not the chunked framing around it). An
   * announced size over the limit fails before any of its bytes arrive:
   * `Content-Length`, or a chunk size that would pass it. A close-delimited
   * body delivers the bytes up to the limit, then fails. `EMSGSIZE`, rule
   * `body-too-large`, status hint 413. Default: no limit.
   */
  maxBodySize?: number;
  /**
   * Chunk-extension bytes over the whole body (from the first `;` or BWS after
   * a chunk size to the line end, every chunk added up). Default 16384, the cap
   * Node puts on them since CVE-2024-22019: extensions are dropped, so without
   * a cap a peer makes a recipient scan without end for no data. `EMSGSIZE`,
   * rule `chunk-extensions-too-large`, status hint 413.
   */
  maxChunkExtensions?: number;
  /**
   * Bytes in the trailer section, from the byte after the last chunk's line
   * through the final blank line. Default 16384, as the head's maxHeadSize.
   * `EMSGSIZE`, rule `trailer-too-large`, status hint 431.
   */
  maxTrailerSize?: number;
  /** Trailer field lines. Default 100, as the head's maxFields. `EMSGSIZE`, rule `too-many-trailers`, status hint 431. */
  maxTrailerFields?: number;
}

/**
 * The default `maxChunkExtensions`: 16384 bytes of chunk extensions per body,
 * as Node caps them since CVE-2024-22019.
 *
 * @example
 * ```ts
 * new BodyDecoder({ type: 'chunked' }, { maxChunkExtensions: DEFAULT_MAX_CHUNK_EXTENSIONS / 16 });
 * ```
 */
export const DEFAULT_MAX_CHUNK_EXTENSIONS = 16 * 1024;

/**
 * The default `maxTrailerSize`: 16384 bytes, as the head's `maxHeadSize`.
 *
 * @example
 * ```ts
 * new BodyDecoder({ type: 'chunked' }, { maxTrailerSize: DEFAULT_MAX_TRAILER_SIZE * 2 });
 * ```
 */
export const DEFAULT_MAX_TRAILER_SIZE = 16 * 1024;

/**
 * The default `maxTrailerFields`: 100, as the head's `maxFields`.
 *
 * @example
 * ```ts
 * new BodyDecoder({ type: 'chunked' }, { maxTrailerFields: Math.min(10, DEFAULT_MAX_TRAILER_FIELDS) });
 * ```
 */
export const DEFAULT_MAX_TRAILER_FIELDS = 100;

export interface ResolvedBodyOptions {
  lfOnly: boolean;
  /** Infinity when unlimited. */
  maxBody: number;
  maxExtensions: number;
  maxTrailerSize: number;
  maxTrailerFields: number;
}

export function resolveBodyOptions(o: BodyDecoderOptions = {}): ResolvedBodyOptions {
  if (typeof o !== 'object' || o === null) {
    throw new HttpError('EINVAL', 'BodyDecoder options must be an object', { rule: 'options' });
  }
  return {
    lfOnly: o.lenient?.lfOnly === true,
    maxBody: o.maxBodySize === undefined ? Infinity : positiveInteger('maxBodySize', o.maxBodySize, 0),
    maxExtensions: positiveInteger('maxChunkExtensions', o.maxChunkExtensions, DEFAULT_MAX_CHUNK_EXTENSIONS),
    maxTrailerSize: positiveInteger('maxTrailerSize', o.maxTrailerSize, DEFAULT_MAX_TRAILER_SIZE),
    maxTrailerFields: positiveInteger('maxTrailerFields', o.maxTrailerFields, DEFAULT_MAX_TRAILER_FIELDS),
  };
}

/** What a body over `max` bytes is told (rule `body-too-large`, EMSGSIZE, hint 413). */
export function bodyTooLarge(max: number): string {
  return `Body longer than ${max} bytes (maxBodySize)`;
}
