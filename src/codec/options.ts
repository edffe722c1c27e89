import { HttpError } from './errors.ts';
import { alignedPart } from './input.ts';
import type { OptionRule } from './rules.ts';

/**
 * Decoder options. Everything is strict by default; each leniency is one named
 * option, with its risk written beside it.
 *
 * @example
 * ```ts
 * new HeadDecoder('response', { lenient: { lfOnly: true }, maxFields: 200 });
 * new HeadDecoder('request', { storage: new Uint8Array(8192) }); // http_attach_mem
 * ```
 */
export interface DecoderOptions {
  /** Relaxations of the grammar, each off by default; each one's risk is beside it. */
  lenient?: {
    /**
     * Accept a bare LF as a line terminator (RFC 9112 §2.2 lets a recipient do
     * so). Risk: a front end that splits lines only on CRLF sees one line where
     * we see two. A bare CR is still an error, and CR never ends a line.
     */
    lfOnly?: boolean;
  };
  /**
   * What to do with obs-fold (a field line continued on the next line, RFC 9112
   * §5.2): `'reject'` (`EPROTO`, rule `obs-fold`) or `'replace'` (the fold
   * becomes one SP). Default: `'reject'` for requests, `'replace'` for
   * responses, as §5.2 says of a server and of a user agent.
   */
  obsFold?: 'reject' | 'replace';
  /**
   * Bytes in a head, counted from the first byte of the message (empty lines
   * before the start line included) through the blank line. Default 16384:
   * Node's `--max-http-header-size`.
   */
  maxHeadSize?: number;
  /** Field lines in a head. Default 100: Apache's `LimitRequestFields`, hyper's `DEFAULT_MAX_HEADERS`. */
  maxFields?: number;
  /**
   * Caller-supplied buffer for heads split across chunks (libdill's
   * `http_attach_mem`). The decoder then allocates nothing to buffer a head; a
   * head longer than `storage.length` is `EMSGSIZE` (rule `storage-too-small`),
   * however it is chunked. The decoder reads the storage four bytes at a time,
   * so it uses it from its first 4-byte-aligned byte: a storage whose
   * `byteOffset` is not a multiple of 4 (a `subarray`) holds up to 3 bytes
   * less. `new Uint8Array(n)` is always aligned.
   */
  storage?: Uint8Array;
}

export interface ResolvedOptions {
  lfOnly: boolean;
  foldReplace: boolean;
  /** The effective head limit: `maxHeadSize`, or `storage.length` when smaller. */
  maxHead: number;
  /** The rule named when `maxHead` is exceeded. */
  maxHeadRule: Exclude<LimitRule, 'too-many-fields'>;
  maxFields: number;
  storage: Uint8Array | undefined;
}

/**
 * The default `maxHeadSize`: 16384 bytes, Node's `--max-http-header-size`.
 *
 * @example
 * ```ts
 * new HeadDecoder('response', { maxHeadSize: 4 * DEFAULT_MAX_HEAD_SIZE }); // a server known to send big cookies
 * ```
 */
export const DEFAULT_MAX_HEAD_SIZE = 16 * 1024;

/**
 * The default `maxFields`: 100, Apache's `LimitRequestFields` and hyper's `DEFAULT_MAX_HEADERS`.
 *
 * @example
 * ```ts
 * const out = new Int32Array(spanArrayLength(DEFAULT_MAX_FIELDS)); // room for scanHead with default options
 * ```
 */
export const DEFAULT_MAX_FIELDS = 100;

export function positiveInteger(name: OptionRule, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new HttpError('EINVAL', `Option ${name} must be a non-negative integer, got ${String(v)}`, { rule: name });
  }
  return v;
}

export function resolveOptions(kind: 'request' | 'response', o: DecoderOptions = {}): ResolvedOptions {
  const fold = o.obsFold ?? (kind === 'request' ? 'reject' : 'replace');
  if (fold !== 'reject' && fold !== 'replace') {
    throw new HttpError('EINVAL', `Option obsFold must be 'reject' or 'replace', got ${String(fold)}`, { rule: 'obsFold' });
  }
  const maxHeadSize = positiveInteger('maxHeadSize', o.maxHeadSize, DEFAULT_MAX_HEAD_SIZE);
  const maxFields = positiveInteger('maxFields', o.maxFields, DEFAULT_MAX_FIELDS);
  const storage = o.storage;
  if (storage !== undefined && !(storage instanceof Uint8Array)) {
    throw new HttpError('EINVAL', 'Option storage must be a Uint8Array', { rule: 'storage' });
  }
  const room = storage === undefined ? maxHeadSize : alignedPart(storage).length;
  const byStorage = room < maxHeadSize;
  return {
    lfOnly: o.lenient?.lfOnly === true,
    foldReplace: fold === 'replace',
    maxHead: byStorage ? room : maxHeadSize,
    maxHeadRule: byStorage ? 'storage-too-small' : 'head-too-large',
    maxFields,
    storage,
  };
}

export type LimitRule = 'head-too-large' | 'storage-too-small' | 'too-many-fields';

/** Why a limit stopped a head, for the error message. */
export function limitWhy(rule: LimitRule, o: ResolvedOptions): string {
  if (rule === 'too-many-fields') return `More than ${o.maxFields} field lines (maxFields)`;
  if (rule === 'storage-too-small') return `Head longer than the ${o.maxHead}-byte storage`;
  return `Head longer than ${o.maxHead} bytes (maxHeadSize)`;
}
