// A keep-alive server on the net adapter, for load and fault tests: each
// request's body (Content-Length framed, read from the socket detach() returns)
// is hashed and the hash sent back, so a client can check every byte.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { HttpError, framing, now } from '../../src/index.ts';
import { attach } from '../../src/node.ts';

export interface ServerStats {
  connections: number;
  closed: number;
  heads: number;
  bodyBytes: number;
  errors: Record<string, number>;
}

export interface StressServer {
  port: number;
  stats: ServerStats;
  /** Resolves when every accepted connection has been closed. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Time allowed for a whole head, from its first read (slow-loris cut-off). */
  headMs: number;
  maxHeadSize?: number;
}

/** Read exactly `n` bytes from a paused socket, leaving the rest in it. */
function readExactly(sock: net.Socket, n: number, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let need = n;
    const timer = setTimeout(() => finish(new Error('body timed out')), Math.max(1, deadline - now()));
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      sock.off('readable', pump);
      sock.off('end', onEnd);
      if (err) reject(err);
      else resolve(Buffer.concat(parts));
    };
    const onEnd = (): void => finish(new Error('EOF in body'));
    const pump = (): void => {
      while (need > 0) {
        const avail = sock.readableLength;
        if (avail === 0) return;
        const chunk = sock.read(Math.min(need, avail)) as Buffer | null;
        if (!chunk) return;
        parts.push(chunk);
        need -= chunk.length;
      }
      finish();
    };
    sock.on('readable', pump);
    sock.on('end', onEnd);
    pump();
  });
}

export async function startServer(options: ServerOptions): Promise<StressServer> {
  const stats: ServerStats = { connections: 0, closed: 0, heads: 0, bodyBytes: 0, errors: {} };
  const open = new Set<net.Socket>();
  let wake: (() => void) | null = null;
  const count = (code: string): void => {
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
  };

  async function serve(sock: net.Socket): Promise<void> {
    for (;;) {
      const s = attach(sock, { maxHeadSize: options.maxHeadSize });
      const deadline = now() + options.headMs;
      let length = 0;
      try {
        const { version } = await s.recvRequest(deadline);
        const fields = [];
        for await (const f of s.fields(deadline)) fields.push(f);
        // The body length, by the smuggling-safe rules (RFC 9112 §6.3).
        const body = framing('request', fields, { version });
        if (body.type === 'chunked') throw new HttpError('EPROTO', 'Chunked bodies are not served here', { rule: 'transfer-encoding' });
        length = body.type === 'length' ? body.length : 0;
      } catch (e) {
        const code = e instanceof HttpError ? e.code : 'other';
        if (code !== 'EPIPE') count(code); // EPIPE: the client closed between requests
        if (code === 'EMSGSIZE' || code === 'EPROTO') {
          const status = (e as HttpError).statusHint ?? 400;
          await s.sendStatus(status).catch(() => {});
          await s.sendField('Connection', 'close').catch(() => {});
          await s.done(now() + 1000).catch(() => {});
        }
        s.close();
        return;
      }
      stats.heads++;
      const raw = await s.detach(now() + 1000);
      let body: Buffer;
      try {
        body = await readExactly(raw, length, now() + 5000);
      } catch {
        count('body');
        raw.destroy();
        return;
      }
      stats.bodyBytes += body.length;
      const w = attach(raw);
      await w.sendStatus(200);
      await w.sendField('X-Body-SHA1', createHash('sha1').update(body).digest('hex'));
      await w.sendField('X-Body-Length', String(body.length));
      await w.sendField('Content-Length', '0');
      await w.done(now() + 5000);
      sock = await w.detach();
    }
  }

  const srv = net.createServer({ allowHalfOpen: true }, (sock) => {
    stats.connections++;
    open.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => {
      stats.closed++;
      open.delete(sock);
      if (open.size === 0) wake?.();
    });
    serve(sock)
      .catch(() => count('server'))
      .finally(() => sock.end());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    stats,
    drained: () =>
      open.size === 0
        ? Promise.resolve()
        : new Promise<void>((r) => {
            wake = r;
          }),
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((r) => srv.close(r));
    },
  };
}
