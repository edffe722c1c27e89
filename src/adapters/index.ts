export { type Deadline, now } from './deadline.ts';
export { attachMem, memoryPair, PipeEnd } from './memory.ts';
export { type ReceivedField } from './message.ts';
export { HttpSocket, type ReceivedRequest, type ReceivedStatus, type SocketOptions } from './socket.ts';
export { attachStream, type DetachedStreams, type StreamPair } from './streams.ts';
export type { Transport } from './transport.ts';
