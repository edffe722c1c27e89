// The model-based test of issue 8: seeded, generated sequences of calls on one
// HttpSocket per adapter (net and web streams over loopback, memory pipes),
// interleaved with a raw peer that writes the incoming head split at random
// points, pauses reading, half-closes (FIN) or resets (RST). Every call gets a
// random deadline form: none, -1, 0, past, near, far (30 days), Infinity,
// { timeout }, an AbortSignal aborted later, AbortSignal.timeout(). One caller
// storage buffer is reused by every connection of an adapter.
//
// After each sequence the outcomes are checked against a small model:
// - receives, in call order, get exactly the head's events (nothing lost,
//   duplicated or skipped); a failed receive consumed nothing; each failure
//   code is one the sequence allows (ETIMEDOUT only at or after a finite
//   deadline, ECANCELED only after an abort, EBADF only after close/detach,
//   ECONNRESET only after the peer reset or half-closed mid-head);
// - the bytes detach() hands back are exactly the peer's bytes after the head
//   (or all of them when the head had not started), and still are after the
//   storage was reused by the next connection: no byte lost, duplicated or foreign;
// - the peer got exactly the lines of the sends that were committed, in order;
// - every promise settled within its deadline (plus slack) or promptly after
//   close(); none hangs;
// - no unhandled rejection (a process-level handler records them), no timer
//   and no socket or abort listener left behind.
import { getEventListeners } from 'node:events';
import type net from 'node:net';
import { type Deadline, HttpError, type PipeEnd, now } from '../../src/index.ts';
import { prng } from '../support/bytes.ts';
import { type Rig, type RigName, bytesOf, latin1, makeRig, sleep } from './rigs.ts';

export interface ModelFigures {
  adapter: RigName;
  seed: number;
  sequences: number;
  steps: number;
  calls: number;
  detached: number;
  outcomes: Record<string, number>;
}

export interface ModelOptions {
  sequences: number;
  stepsPerSequence: number;
  /** How late a promise may settle after its deadline (or after close()); generous: 2 shared cores. */
  slackMs: number;
}

type Kind = 'recvRequest' | 'recvField' | 'recvBody' | 'sendStatus' | 'sendField' | 'done' | 'sendBody' | 'endBody' | 'detach' | 'closeWrite';

interface DeadlineChoice {
  arg: Deadline | undefined;
  label: string;
  /** When the call must have given up, absolute ms on now(); Infinity when it never times out. */
  at: number;
  ac?: AbortController;
  /** AbortSignal.timeout(): may give ETIMEDOUT from then on. */
  timeoutSignal?: number;
}

interface Call {
  id: number;
  kind: Kind;
  dl: DeadlineChoice;
  start: number;
  /** The socket was closed or detached before this call was made. */
  afterEnd: boolean;
  /** The call's signal was aborted when it was made (it fails its checks, commits nothing). */
  preAborted: boolean;
  line?: string; // what a send commits
  settled?: { at: number; code: string | 'ok'; value?: unknown };
  done: Promise<void>;
}

const DAY = 86400e3;
const FIELD_NAMES = ['Host', 'Accept', 'X-Seq', 'Cookie', 'Via', 'X-A'];

class Failure extends Error {}
let trace: string[] = [];
const note = (s: string): void => {
  trace.push(`${Math.round(now())} ${s}`);
};

export async function runModel(adapter: RigName, seed: number, opt: ModelOptions, storage: Uint8Array): Promise<ModelFigures> {
  const figures: ModelFigures = { adapter, seed, sequences: 0, steps: 0, calls: 0, detached: 0, outcomes: {} };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };
  process.on('unhandledRejection', onUnhandled);
  // The bytes a previous connection's detach() handed back, kept as received
  // (no copy), checked again once the storage has been reused.
  let previous: { chunks: Uint8Array[]; want: string; seq: number } | null = null;
  const timersAtStart = timers();
  try {
    for (let q = 0; q < opt.sequences; q++) {
      const r = prng(seed * 1_000_003 + q);
      const held = await sequence(adapter, seed, q, r, opt, storage, figures);
      if (previous && concat(previous.chunks) !== previous.want) {
        throw new Failure(`seq ${previous.seq}: detached bytes changed after storage reuse: ${JSON.stringify(concat(previous.chunks))}`);
      }
      previous = held ?? previous;
      if (unhandled.length > 0) throw new Failure(`seq ${q}: unhandled rejection: ${String(unhandled[0])}`);
      trace = [];
      figures.sequences++;
    }
    await sleep(5);
    const left = timers() - timersAtStart;
    if (left > 0) throw new Failure(`${left} timer(s) left behind`);
  } catch (e) {
    if (e instanceof Error) e.message = `[${adapter} seed ${seed}] ${e.message}\ntrace:\n${trace.join('\n')}`;
    throw e;
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return figures;
}

/** `p`, or `null` after `ms`; the timer is cleared either way (the test counts timers). */
async function orNull<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let t: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<null>((r) => (t = setTimeout(() => r(null), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

const timers = (): number => process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
const concat = (chunks: Uint8Array[]): string => chunks.map(latin1).join('');

async function sequence(
  adapter: RigName,
  seed: number,
  q: number,
  r: () => number,
  opt: ModelOptions,
  storage: Uint8Array,
  figures: ModelFigures,
): Promise<{ chunks: Uint8Array[]; want: string; seq: number } | null> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

  // The incoming head, half the time a POST with a Content-Length body, and what
  // follows it; the body and the tail name the connection, so a foreign byte shows.
  const nFields = int(0, 5);
  const fields = Array.from({ length: nFields }, (_, i) => ({ name: pick(FIELD_NAMES), value: `v${q}-${i}-${int(0, 1e6)}` }));
  const body = r() < 0.5 ? `[body ${seed}/${q} ${'0123456789'.repeat(20)}`.slice(0, int(0, 200)) : null;
  if (body !== null) fields.splice(int(0, fields.length), 0, { name: 'Content-Length', value: String(body.length) });
  const head = `${body === null ? 'GET' : 'POST'} /c${seed}/${q} HTTP/1.1\r\n${fields.map((f) => `${f.name}: ${f.value}\r\n`).join('')}\r\n`;
  const tail = `<tail ${seed}/${q} ${'abcdefghij'.repeat(30).slice(0, int(0, 300))}>`;
  const wire = head + (body ?? '') + tail;
  const bodyEnd = head.length + (body?.length ?? 0);

  const rig: Rig = await makeRig(adapter, { storage, maxHeadSize: storage.length });
  const { s, peer } = rig;
  const calls: Call[] = [];
  const acs: AbortController[] = [];
  const abortedAt = new Map<AbortController, number>();
  let sent = 0; // wire bytes the peer has written
  let endAt = Number.POSITIVE_INFINITY; // close() or detach() was called (EBADF allowed from then)
  let closed = false;
  let closeAt = Number.POSITIVE_INFINITY; // close() was called, or detach() failed (it closes)
  let detachCall: Call | null = null;
  let peerRst = false;
  let peerFinEarly = false; // FIN before the whole head was sent
  let peerFinMidBody = false; // FIN after the head, before the whole body
  let peerEnded = false;

  const deadline = (): DeadlineChoice => {
    const t = now();
    const x = r();
    if (x < 0.12) return { arg: undefined, label: 'none', at: Number.POSITIVE_INFINITY };
    if (x < 0.17) return { arg: -1, label: '-1', at: Number.POSITIVE_INFINITY };
    if (x < 0.3) return { arg: 0, label: '0', at: t };
    if (x < 0.38) return { arg: Math.max(0, t - int(1, 100)), label: 'past', at: t };
    if (x < 0.55) {
      const ms = int(1, 30);
      return { arg: t + ms, label: `near ${ms}`, at: t + ms };
    }
    if (x < 0.63) return { arg: t + 30 * DAY, label: 'far', at: Number.POSITIVE_INFINITY };
    if (x < 0.67) return { arg: Number.POSITIVE_INFINITY, label: 'Infinity', at: Number.POSITIVE_INFINITY };
    if (x < 0.77) {
      const ms = int(1, 30);
      return { arg: { timeout: ms }, label: `timeout ${ms}`, at: t + ms };
    }
    if (x < 0.95) {
      const ac = new AbortController();
      acs.push(ac);
      const near = r() < 0.3 ? int(5, 40) : 0;
      return {
        arg: near ? { deadline: t + near, signal: ac.signal } : { signal: ac.signal },
        label: near ? `signal+near ${near}` : 'signal',
        at: near ? t + near : Number.POSITIVE_INFINITY,
        ac,
      };
    }
    const ms = int(1, 30);
    return { arg: { signal: AbortSignal.timeout(ms) }, label: `AbortSignal.timeout ${ms}`, at: Number.POSITIVE_INFINITY, timeoutSignal: ms };
  };

  const call = (kind: Kind, f: (d: Deadline | undefined) => Promise<unknown>, line?: string): Call => {
    const dl = deadline();
    const c: Call = {
      id: calls.length,
      kind,
      dl,
      start: now(),
      afterEnd: endAt !== Number.POSITIVE_INFINITY,
      preAborted: (dl.arg as { signal?: AbortSignal } | undefined)?.signal?.aborted === true,
      line,
      done: Promise.resolve(),
    };
    // The driver handles every promise at once: an unhandled rejection can only come from inside headwire.
    note(`#${c.id} ${kind}(${dl.label})`);
    c.done = f(dl.arg).then(
      (value) => {
        c.settled = { at: now(), code: 'ok', value };
        note(`#${c.id} ${kind} ok ${kind === 'detach' ? '' : JSON.stringify(value)}`);
      },
      (e: unknown) => {
        c.settled = { at: now(), code: e instanceof HttpError ? e.code : `not an HttpError: ${String(e)}` };
        note(`#${c.id} ${kind} ${c.settled.code}`);
      },
    );
    calls.push(c);
    return c;
  };

  const peerSend = async (n: number): Promise<void> => {
    if (peerEnded || sent >= wire.length) return;
    const piece = wire.slice(sent, sent + n);
    note(`peer sends ${JSON.stringify(piece)}`);
    try {
      await peer.send(piece);
      sent += piece.length;
    } catch {
      note('peer send failed'); // the memory pipe refuses once our end is closed
      peerEnded = true;
    }
  };

  let status = 0;
  for (let step = 0; step < opt.stepsPerSequence; step++) {
    figures.steps++;
    if (r() < 0.15) {
      // Whole messages: a body step on either side.
      const y = r();
      if (y < 0.5) {
        call('recvBody', (d) =>
          s.recvBody(d)[Symbol.asyncIterator]().next().then((it) => (it.done ? null : latin1(it.value))),
        );
      } else if (y < 0.8) {
        const data = `b${step}.`;
        call('sendBody', (d) => s.sendBody(bytesOf(data), d), data);
      } else call('endBody', (d) => s.endBody(undefined, d));
      continue;
    }
    const x = r();
    if (x < 0.08) call('recvRequest', (d) => s.recvRequest(d));
    else if (x < 0.3) call('recvField', (d) => s.recvField(d));
    else if (x < 0.46) await peerSend(r() < 0.6 ? int(1, 8) : int(1, wire.length));
    else if (x < 0.54) {
      // A trickle: small pieces, each given a turn of the event loop to arrive on its own.
      for (let k = int(2, 12); k > 0; k--) {
        await peerSend(int(1, 8));
        await new Promise((ok) => setImmediate(ok));
      }
    }
    else if (x < 0.6) await sleep(int(0, 12));
    else if (x < 0.64) {
      status = pick([200, 204, 404, 500]);
      call('sendStatus', (d) => s.sendStatus(status, 'R', d), `HTTP/1.1 ${status} R\r\n`);
    } else if (x < 0.7) {
      // Now and then a value far past every buffer on the way, so writes wait (backpressure).
      const big = r() < 0.2;
      const value = big ? 'b'.repeat(int(256, 4096) * 1024) : `f${step}`;
      call('sendField', (d) => s.sendField(`X-${step}`, value, d), `X-${step}: ${value}\r\n`);
    } else if (x < 0.72) call('done', (d) => s.done(d), '\r\n');
    else if (x < 0.74) {
      // A head too big to be taken at once, and done() that stops waiting (the writes of row 2).
      status = 200;
      call('sendStatus', (d) => s.sendStatus(status, 'R', d), `HTTP/1.1 ${status} R\r\n`);
      const value = 'B'.repeat(int(1024, 8192) * 1024);
      call('sendField', (d) => s.sendField(`X-${step}`, value, d), `X-${step}: ${value}\r\n`);
      call('done', (d) => s.done(d), '\r\n');
    }
    else if (x < 0.78) {
      const ac = acs.find((a) => !a.signal.aborted);
      if (ac) {
        abortedAt.set(ac, now());
        note('abort');
        ac.abort(r() < 0.5 ? new Error('model abort') : undefined);
      }
    } else if (x < 0.85) {
      // detach(), half the time right behind a receive made in the same turn (the race of row 4).
      if (r() < 0.5) call('recvField', (d) => s.recvField(d));
      if (!detachCall) endAt = Math.min(endAt, now());
      const c = call('detach', (d) => s.detach(d));
      detachCall ??= c;
    } else if (x < 0.865) {
      endAt = Math.min(endAt, now());
      closeAt = Math.min(closeAt, now());
      closed = true;
      note('close()');
      s.close();
    } else if (x < 0.875) call('closeWrite', (d) => s.closeWrite(d));
    else if (x < 0.89) {
      if (!peerEnded) {
        peerFinEarly = sent < head.length;
        peerFinMidBody = !peerFinEarly && sent < bodyEnd;
        peerEnded = true;
        note('peer FIN');
        peer.closeWrite();
      }
    } else if (x < 0.897) {
      if (!peerEnded) {
        peerRst = peerEnded = true;
        note('peer RST');
        peer.destroy();
      }
    } else if (x < 0.94) {
      note('peer pauses');
      peer.pause();
    } else {
      note('peer resumes');
      peer.resume();
    }
  }

  // Wind down: the socket is detached or closed (before or after the peer sends the rest and half-closes).
  peer.resume();
  const endSocket = (): void => {
    if (closed || endAt !== Number.POSITIVE_INFINITY) return;
    // Often a receive with no deadline is still pending when the socket goes.
    if (r() < 0.6) call('recvField', () => s.recvField());
    endAt = now();
    if (r() < 0.5) detachCall = call('detach', () => s.detach({ timeout: 3000 }));
    else {
      closed = true;
      closeAt = Math.min(closeAt, now());
      note('close()');
      s.close();
    }
  };
  const endFirst = r() < 0.5;
  if (endFirst) endSocket();
  if (!peerEnded) {
    await peerSend(wire.length);
    peerEnded = true;
    peer.closeWrite();
  }
  await sleep(int(0, 5));
  endSocket();
  await orNull(Promise.all(calls.map((c) => c.done)), 5000 + opt.slackMs);
  figures.calls += calls.length;
  const hung = calls.filter((c) => !c.settled);
  if (hung.length > 0) {
    throw new Failure(`seq ${q}: ${hung.length} call(s) never settled: ${hung.map((c) => `#${c.id} ${c.kind}(${c.dl.label})`).join(', ')}`);
  }
  if (detachCall?.settled && detachCall.settled.code !== 'ok') closeAt = Math.min(closeAt, detachCall.settled.at);

  const where = (c: Call): string => `seq ${q} call #${c.id} ${c.kind}(${c.dl.label}) -> ${c.settled!.code}`;
  // Keep-alive: once the head (no body: a GET) was read to its blank line, a
  // recvRequest() starts the next head on the tail bytes, which are not one
  // (the tail starts with '<', not a token byte): EPROTO, or EPIPE when the
  // peer closed right after the head. detach() then meets that failure too.
  const blankLineAt =
    calls.find((c) => (c.kind === 'recvField' && c.settled!.code === 'EPIPE') || (c.kind === 'recvBody' && c.settled!.code === 'ok'))?.id ??
    Number.POSITIVE_INFINITY;
  const nextHeadTried = calls.some((c) => c.kind === 'recvRequest' && c.id > blankLineAt);
  for (const c of calls) figures.outcomes[`${c.kind}:${c.settled!.code}`] = (figures.outcomes[`${c.kind}:${c.settled!.code}`] ?? 0) + 1;

  // Every promise settles within its deadline (its abort, AbortSignal.timeout), or promptly at close().
  for (const c of calls) {
    const st = c.settled!;
    let bound = c.dl.at === Number.POSITIVE_INFINITY ? c.dl.at : Math.max(c.dl.at, c.start);
    if (c.dl.timeoutSignal !== undefined) bound = Math.min(bound, c.start + c.dl.timeoutSignal);
    const abort = c.dl.ac ? abortedAt.get(c.dl.ac) : undefined;
    if (abort !== undefined) bound = Math.min(bound, Math.max(abort, c.start));
    bound = Math.min(bound, Math.max(closeAt, c.start));
    if (st.at > bound + opt.slackMs) throw new Failure(`${where(c)}: settled ${Math.round(st.at - bound)} ms after it should have`);
    if (st.code.startsWith('not an HttpError')) throw new Failure(`${where(c)}: ${st.code}`);
    if (st.code === 'ETIMEDOUT') {
      const finite = c.dl.at !== Number.POSITIVE_INFINITY || c.dl.timeoutSignal !== undefined;
      if (!finite) throw new Failure(`${where(c)}: timed out with no finite deadline (or far/Infinity fired early)`);
      if (c.dl.timeoutSignal === undefined && st.at < c.dl.at - 1) throw new Failure(`${where(c)}: timed out ${Math.round(c.dl.at - st.at)} ms early`);
    }
    if (c.kind === 'detach' && !['ok', 'ETIMEDOUT', 'ECANCELED', 'EBADF', 'ECONNRESET', 'EINVAL', ...(nextHeadTried ? ['EPROTO'] : [])].includes(st.code)) {
      throw new Failure(`${where(c)}: not a way detach() may fail here`);
    }
    if (c.kind === 'detach' && st.code === 'ECONNRESET' && !peerRst && !peerFinEarly && !peerFinMidBody) {
      throw new Failure(`${where(c)}: ECONNRESET while the peer neither reset nor half-closed mid-head`);
    }
    if (st.code === 'ECANCELED' && !c.dl.ac?.signal.aborted) throw new Failure(`${where(c)}: ECANCELED with no abort`);
    if (st.code === 'EBADF' && !c.afterEnd && st.at < endAt) throw new Failure(`${where(c)}: EBADF before close()/detach()`);
  }

  // Receives, in call order, against the head's events.
  const events: Array<{ type: 'request' } | { type: 'field'; name: string; value: string }> = [
    { type: 'request' },
    ...fields.map((f) => ({ type: 'field' as const, ...f })),
  ];
  let next = 0; // events taken
  let startTaken = false;
  let broken = false; // ECONNRESET / EPIPE from a cut stream: later receives may fail anyhow
  let anyReceived = false;
  let headDone = false; // the blank line was read (a recvField got EPIPE, or a recvBody step went past it)
  let bodyGot = ''; // what recvBody steps returned, in order
  let bodyEnded = false;
  // The message is over (the next recvRequest starts the next head): a GET at its blank line, a POST at its body's end.
  const over = (): boolean => (body === null ? headDone : bodyEnded);
  const skip = (code: string): boolean => ['ETIMEDOUT', 'ECANCELED', 'EBADF'].includes(code); // consumed nothing
  for (const c of calls) {
    if (c.kind !== 'recvRequest' && c.kind !== 'recvField' && c.kind !== 'recvBody') continue;
    const st = c.settled!;
    if (c.kind === 'recvRequest' && startTaken && over() && !broken) {
      // The next head: the tail, which is not a request. Whatever this call got, the calls behind it are about that head.
      if (!['ETIMEDOUT', 'ECANCELED', 'EBADF', 'EPROTO', 'EPIPE', 'ECONNRESET'].includes(st.code)) {
        throw new Failure(`${where(c)}: the next head is the tail, not a request`);
      }
      if (st.code === 'EPIPE' && sent > bodyEnd) throw new Failure(`${where(c)}: EPIPE although tail bytes came`);
      broken = true;
      continue;
    }
    if (skip(st.code)) continue;
    if (st.code === 'ECONNRESET') {
      const midBody = c.kind === 'recvBody' && peerFinMidBody;
      if (!peerRst && !peerFinEarly && !midBody) throw new Failure(`${where(c)}: ECONNRESET while the peer neither reset nor half-closed mid-message`);
      broken = true;
      continue;
    }
    if (broken) continue;
    if (c.kind === 'recvRequest') {
      if (startTaken) {
        if (st.code !== 'EINVAL') throw new Failure(`${where(c)}: the message is not over; want EINVAL`);
        continue;
      }
      if (st.code === 'EPIPE' && (peerFinEarly || peerRst) && sent === 0) {
        broken = true;
        continue;
      }
      if (st.code !== 'ok') throw new Failure(`${where(c)}: want the request line`);
      const v = st.value as { method: string; target: string };
      if (v.method !== (body === null ? 'GET' : 'POST') || v.target !== `/c${seed}/${q}`) throw new Failure(`${where(c)}: got ${JSON.stringify(v)}`);
      startTaken = true;
      anyReceived = true;
      next = 1;
      continue;
    }
    if (!startTaken) {
      if (st.code !== 'EINVAL') throw new Failure(`${where(c)}: ${c.kind} before the request line; want EINVAL`);
      continue;
    }
    if (c.kind === 'recvBody') {
      // Fields not read yet are read ahead and kept: recvField still gets them in order.
      if (st.code !== 'ok') throw new Failure(`${where(c)}: want a body step`);
      headDone = true;
      anyReceived = true;
      const want = body ?? '';
      if (st.value === null) {
        if (bodyGot !== want) throw new Failure(`${where(c)}: the body ended after ${JSON.stringify(bodyGot)}, want ${JSON.stringify(want)}`);
        bodyEnded = true;
      } else {
        bodyGot += st.value as string;
        if (bodyEnded || !want.startsWith(bodyGot)) throw new Failure(`${where(c)}: body ${JSON.stringify(bodyGot)} is not a prefix of ${JSON.stringify(want)}`);
      }
      continue;
    }
    if (next < events.length) {
      const want = events[next]!;
      if (st.code !== 'ok' || JSON.stringify(st.value) !== JSON.stringify({ name: (want as { name: string }).name, value: (want as { value: string }).value })) {
        throw new Failure(`${where(c)}: want field ${JSON.stringify(want)}, got ${JSON.stringify(st.value)}`);
      }
      next++;
      anyReceived = true;
      continue;
    }
    if (st.code !== 'EPIPE') throw new Failure(`${where(c)}: after the last field, want EPIPE`);
    headDone = true;
  }

  // detach(): the bytes handed back.
  let held: { chunks: Uint8Array[]; want: string; seq: number } | null = null;
  const detachOk = detachCall?.settled?.code === 'ok';
  if (detachOk && !peerRst) {
    figures.detached++;
    // The caller reuses its storage at once (the next connection would): the bytes handed back must not change.
    storage.fill(0x23);
    const chunks = await drain(rig, detachCall!.settled!.value, 3000);
    const got = concat(chunks);
    // What the peer sent: past the head when the incoming head had started (past the body once
    // recvBody read it to its end), else all of it.
    const from = bodyEnded ? bodyEnd : head.length;
    const afterHead = sent >= from && got === wire.slice(from, sent);
    const whole = got === wire.slice(0, sent);
    if (!(afterHead || (whole && !anyReceived))) {
      throw new Failure(
        `seq ${q}: detach() handed back ${JSON.stringify(got)}; want ${JSON.stringify(wire.slice(head.length, sent))}${anyReceived ? '' : ` or ${JSON.stringify(wire.slice(0, sent))}`}`,
      );
    }
    held = { chunks, want: got, seq: q };
  }

  // The peer got exactly the committed lines, in order (a prefix when the socket was closed).
  // done() and closeWrite() act before they wait: a wait given up (not a check failed) still counts.
  const took = (c: Call): boolean =>
    c.settled!.code === 'ok' || (['ETIMEDOUT', 'ECANCELED', 'EBADF'].includes(c.settled!.code) && !c.preAborted && !c.afterEnd);
  const committed = calls.filter((c) => c.line && (c.kind === 'done' || c.kind === 'sendBody' ? took(c) : c.settled!.code === 'ok'));
  // endBody() of a close-delimited response (any status here but 204: the fields sent frame nothing) half-closes.
  let sentStatus = 0;
  const closesBody = new Set<Call>();
  for (const c of calls) {
    if (c.kind === 'sendStatus' && c.settled!.code === 'ok') sentStatus = Number(c.line!.slice(9, 12));
    if (c.kind === 'endBody' && took(c) && sentStatus !== 204) closesBody.add(c);
  }
  const halfClosed = calls.some((c) => (c.kind === 'closeWrite' || closesBody.has(c)) && took(c) && (!detachCall || c.id < detachCall.id));
  let want = committed.map((c) => c.line).join('');
  // Once a head without a body (204) is done, a sendStatus() starts the next head; detach() finishes the last one.
  const lastIndex = (kind: Kind): number => committed.map((c) => c.kind).lastIndexOf(kind);
  if (detachOk && lastIndex('sendStatus') > lastIndex('done') && !halfClosed) want += '\r\n';
  if (!peerRst) {
    const got = await peer.waitFor(want.length, 3000).catch(() => peer.received());
    if (detachOk) {
      if (got !== want) throw new Failure(`seq ${q}: the peer got ${JSON.stringify(got.slice(0, 200))}, want ${JSON.stringify(want.slice(0, 200))}`);
    } else if (!`${want}\r\n`.startsWith(got)) {
      // close() may cut the head short; a detach() that failed may have finished it.
      throw new Failure(`seq ${q}: the peer got ${JSON.stringify(got.slice(0, 200))}, not a prefix of ${JSON.stringify(want.slice(0, 200))}`);
    }
  }

  // Nothing left behind: socket listeners (once writes in flight ended) and abort listeners.
  await sleep(2);
  if (rig.name === 'net' && rig.socket) {
    // The rig adds none of these; headwire's go at close() and detach() (writes in flight ended).
    const left = rig.socket.listenerCount('readable') + rig.socket.listenerCount('drain');
    if (left > 0) throw new Failure(`seq ${q}: ${left} socket listener(s) left behind`);
  }
  for (const ac of acs) {
    if (getEventListeners(ac.signal, 'abort').length > 0) throw new Failure(`seq ${q}: an abort listener left behind`);
  }
  await rig.close();
  return held;
}

/** Every chunk the detached transport yields until EOF (or `ms`), kept as it came: not copied. */
async function drain(rig: Rig, detached: unknown, ms: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const stop = now() + ms;
  if (rig.name === 'memory') {
    const end = detached as PipeEnd;
    while (now() < stop) {
      const c = end.tryRead();
      if (c === null) break;
      if (c === undefined) await orNull(end.readable(), 20);
      else chunks.push(c);
    }
    return chunks;
  }
  if (rig.name === 'streams') {
    const reader = (detached as { readable: ReadableStream<Uint8Array> }).readable.getReader();
    while (now() < stop) {
      const r = await orNull(reader.read(), Math.max(1, stop - now()));
      if (r === null || r.done) break;
      chunks.push(r.value);
    }
    reader.releaseLock();
    return chunks;
  }
  const sock = detached as net.Socket;
  await new Promise<void>((resolve) => {
    const t = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(t);
      sock.off('data', onData);
      sock.off('end', finish);
      sock.off('close', finish);
      resolve();
    }
    function onData(d: Uint8Array): void {
      chunks.push(d);
    }
    sock.on('data', onData);
    sock.on('end', finish);
    sock.on('close', finish);
  });
  return chunks;
}

