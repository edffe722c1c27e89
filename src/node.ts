/**
 * `headwire/node`: everything in the package root plus {@link attach} for
 * Node's `net.Socket`. (The root already uses Buffer#latin1Slice for the
 * decoder's strings when it finds Buffer, so both entries decode as fast.)
 *
 * @example
 * ```ts
 * import { attach, now } from 'headwire/node';
 * const s = attach(net.connect({ port, allowHalfOpen: true }));
 * await s.sendRequest('GET', '/');
 * await s.sendField('Host', 'localhost');
 * await s.done();
 * const { code } = await s.recvStatus(now() + 5000);
 * ```
 *
 * @module headwire/node
 */
export * from './index.ts';
export { type AttachOptions, attach } from './adapters/net.ts';
