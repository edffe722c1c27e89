// One HttpSocket and a raw peer on each of the three adapters: Node net (real
// loopback sockets), web streams (Duplex.toWeb over real loopback sockets) and
// in-memory pipes. The semantics suite runs the same cases on every rig.
import net from 'node:net';
import { afterEach } from 'vitest';
import { HttpError, type HttpSocket, type PipeEnd, type SocketOptions, attachMem, attachStream, memoryPair } from '../../src/index.ts';
import { attach } from '../../src/node.ts';

export type RigName = 'net' | 'streams' | 'memory';
export const RIG_NAMES: RigName[] = ['net', 'streams', 'memory'];

/** The far end, speaking raw bytes (latin1 strings). */
export interface RawPeer {
  send(s: string): Promise<void>;
  /** Everything received so far. */
  received(): string;
  /** Wait until at least `n` bytes arrived (or EOF); returns all received. */
  waitFor(n: number, ms?: number): Promise<string>;
  /** Resolves when the headwire side half-closed or closed. */
  ended(): Promise<void>;
  closeWrite(): void;
  destroy(): void;
  /** Stop reading (the headwire side meets backpressure), and start again. */
  pause(): void;
  resume(): void;
}

export interface Rig {
  name: RigName;
  s: HttpSocket<unknown>;
  /** The Node socket under the headwire side (net and streams rigs), to count listeners. */
  socket?: net.Socket;
  peer: RawPeer;
  /** Transport writes made by the headwire side. */
  writes(): number;
  /** Read `n` bytes from what detach() returned. */
  readDetached(d: unknown, n: number, ms?: number): Promise<string>;
  close(): Promise<void>;
}

export const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
export const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function waiter(): { wake: () => void; wait: (ms: number, until: () => boolean, what: string) => Promise<void> } {
  let wakers: Array<() => void> = [];
  return {
    wake: () => {
      const w = wakers;
      wakers = [];
      for (const f of w) f();
    },
    wait: async (ms, until, what) => {
      const stop = Date.now() + ms;
      while (!until()) {
        const left = stop - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          wakers.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}

/** A raw peer over a Node socket. */
function socketPeer(sock: net.Socket): RawPeer {
  let got = '';
  let eof = false;
  const w = waiter();
  sock.on('data', (d: Buffer) => {
    got += d.toString('latin1');
    w.wake();
  });
  sock.on('end', () => {
    eof = true;
    w.wake();
  });
  sock.on('close', () => {
    eof = true;
    w.wake();
  });
  sock.on('error', () => {});
  return {
    send: (s) => new Promise((r) => sock.write(Buffer.from(s, 'latin1'), () => r())),
    received: () => got,
    waitFor: async (n, ms = 3000) => {
      await w.wait(ms, () => got.length >= n || eof, `${n} bytes`);
      return got;
    },
    ended: () => w.wait(3000, () => eof, 'EOF'),
    closeWrite: () => sock.end(),
    destroy: () => sock.destroy(),
    pause: () => sock.pause(),
    resume: () => sock.resume(),
  };
}

async function socketPair(): Promise<{ server: net.Socket; client: net.Socket; close: () => Promise<void> }> {
  const srv = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const server = await accepted;
  server.on('error', () => {});
  return {
    server,
    client,
    close: async () => {
      client.destroy();
      server.destroy();
      await new Promise((r) => srv.close(r));
    },
  };
}

/** Read `n` bytes from a Node socket handed back by detach(). */
function readSocket(sock: net.Socket, n: number, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const t = setTimeout(() => reject(new Error(`detached socket: ${got.length} of ${n} bytes`)), ms);
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      if (got.length >= n) {
        clearTimeout(t);
        sock.off('data', onData);
        sock.pause();
        resolve(got);
      }
    };
    sock.on('data', onData);
  });
}

async function readStream(readable: ReadableStream<Uint8Array>, n: number, ms = 3000): Promise<string> {
  const reader = readable.getReader();
  let got = '';
  const stop = Date.now() + ms;
  try {
    while (got.length < n) {
      if (Date.now() > stop) throw new Error(`detached readable: ${got.length} of ${n} bytes`);
      const r = await reader.read();
      if (r.done) break;
      got += latin1(r.value);
    }
  } finally {
    reader.releaseLock();
  }
  return got;
}

export async function makeRig(name: RigName, options: SocketOptions = {}): Promise<Rig> {
  if (name === 'memory') {
    const [a, b] = memoryPair();
    let writes = 0;
    const write = a.write.bind(a);
    a.write = (bytes: Uint8Array) => {
      writes++;
      write(bytes);
    };
    const s = attachMem(a, { storage: new Uint8Array(options.maxHeadSize ?? 16384), ...options });
    let got = '';
    let eof = false;
    const w = waiter();
    let paused: { wait: Promise<void>; go: () => void } | null = null;
    void (async () => {
      try {
        for (;;) {
          const p = paused as { wait: Promise<void> } | null;
          if (p) await p.wait;
          const c = await b.read();
          if (c === null) break;
          got += latin1(c);
          w.wake();
        }
      } catch {
        // the headwire side closed without half-closing
      }
      eof = true;
      w.wake();
    })();
    const peer: RawPeer = {
      send: async (str) => b.write(bytesOf(str)),
      received: () => got,
      waitFor: async (n, ms = 3000) => {
        await w.wait(ms, () => got.length >= n || eof, `${n} bytes`);
        return got;
      },
      ended: () => w.wait(3000, () => eof, 'EOF'),
      closeWrite: () => b.closeWrite(),
      destroy: () => b.close(),
      pause: () => {
        if (paused) return;
        let go!: () => void;
        const wait = new Promise<void>((r) => {
          go = r;
        });
        paused = { wait, go };
      },
      resume: () => {
        const p = paused;
        paused = null;
        p?.go();
      },
    };
    return {
      name,
      s: s as HttpSocket<unknown>,
      peer,
      writes: () => writes,
      readDetached: async (d, n) => {
        const end = d as PipeEnd;
        let out = '';
        while (out.length < n) {
          const c = await end.read();
          if (c === null) break;
          out += latin1(c);
        }
        return out;
      },
      close: async () => {
        a.close();
        b.close();
      },
    };
  }

  const pair = await socketPair();
  const peer = socketPeer(pair.client);
  let writes = 0;
  if (name === 'net') {
    const write = pair.server.write.bind(pair.server) as (...args: unknown[]) => boolean;
    pair.server.write = ((...args: unknown[]) => {
      writes++;
      return write(...args);
    }) as typeof pair.server.write;
    const s = attach(pair.server, options);
    return {
      name,
      s: s as HttpSocket<unknown>,
      socket: pair.server,
      peer,
      writes: () => writes,
      readDetached: (d, n, ms) => readSocket(d as net.Socket, n, ms),
      close: pair.close,
    };
  }
  // Web streams over the socket, written out here rather than Duplex.toWeb():
  // on Node 20 its readable does not close at the peer's FIN while our side is
  // still writable (it waits for the whole duplex to finish), so a half-close
  // could not be observed through it.
  const sock = pair.server;
  let over = false;
  const web = {
    readable: new ReadableStream<Uint8Array>({
      start(c) {
        sock.on('data', (d: Buffer) => {
          if (!over) c.enqueue(new Uint8Array(d));
        });
        sock.on('end', () => {
          if (!over) c.close();
          over = true;
        });
        sock.on('error', (e) => {
          if (!over) c.error(e);
          over = true;
        });
      },
      cancel() {
        over = true; // close() cancels the reader; later socket events go nowhere
      },
    }),
  };
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => {
      writes++;
      return new Promise<void>((resolve, reject) => sock.write(chunk, (e) => (e ? reject(e) : resolve())));
    },
    close: () => new Promise<void>((resolve) => sock.end(resolve)),
    abort: () => {
      sock.destroy();
    },
  });
  const s = attachStream({ readable: web.readable, writable }, options);
  return {
    name,
    s: s as HttpSocket<unknown>,
    socket: sock,
    peer,
    writes: () => writes,
    readDetached: (d, n, ms) => readStream((d as { readable: ReadableStream<Uint8Array> }).readable, n, ms),
    close: pair.close,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The HttpError code a call fails with (libdill's errno), or undefined when it succeeds. */
export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return e.code;
    throw e;
  }
  return undefined;
}

/** The HttpError a call fails with; a test failure if it succeeds or throws something else. */
export async function errorOf(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** Inside a describe(): `open(name, options)` makes a rig, and afterEach closes it. */
export function useRig(): (name: RigName, options?: SocketOptions) => Promise<Rig> {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  return async (name, options) => (rig = await makeRig(name, options));
}
