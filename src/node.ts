/**
 * `headwire/node`: everything in the package root plus {@link attach} for
 * Node's `net.Socket`. (The root already uses Buffer#latin1Slice for the
 * decoder's strings when it finds Buffer, so both entries decode as fast.)
 *
 * @example
 * ```ts
 * import { attach, now } from 'headwire/node';
 * const s = attach(net.connect({ port, allowHalfOpen: true }));
 * ```
 */
export * from './index.ts';
export { type AttachOptions, attach } from './adapters/net.ts';
