// libdill's tests/http.c, step by step, through memoryPair() (its ipc_pair).
// Each libdill call maps to one HttpSocket call; asserts are the same.
import { describe, expect, it } from 'vitest';
import { attachMem, memoryPair } from '../../src/index.ts';
import { codeOf as errnoOf } from './rigs.ts';


describe('libdill tests/http.c', () => {
  it('runs step by step over an in-memory pair', async () => {
    const [e0, e1] = memoryPair();
    const p0 = attachMem(e0); // http_attach(p[0])
    const p1 = attachMem(e1, { storage: new Uint8Array(1024) }); // http_attach_mem: caller storage

    // Send request.
    await p0.sendRequest('GET', '/a/b/c', -1);
    // Receive request.
    const req = await p1.recvRequest(-1);
    expect(req.method).toBe('GET');
    expect(req.target).toBe('/a/b/c');

    // Test fields: each one is received before the next is sent.
    await p0.sendField('foo', 'bar', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'foo', value: 'bar' });
    await p0.sendField('baz', 'quux', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'baz', value: 'quux' });
    await p0.sendField('Date', 'Tue, 15 Nov 1994 08:12:31 GMT', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'Date', value: 'Tue, 15 Nov 1994 08:12:31 GMT' });

    expect(await errnoOf(p0.sendField('invalid field name ', 'bar', -1))).toBe('EINVAL');

    await p0.sendField('valid-field-name', '  rpad', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'valid-field-name', value: 'rpad' });
    await p0.sendField('valid-field-name', 'lpad  ', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'valid-field-name', value: 'lpad' });
    await p0.sendField('valid-field-name', '  both pad  ', -1);
    expect(await p1.recvField(-1)).toEqual({ name: 'valid-field-name', value: 'both pad' });

    await p0.done(-1); // http_done
    expect(await errnoOf(p1.recvField(-1))).toBe('EPIPE');

    // Send response.
    await p1.sendStatus(200, 'OK', -1);
    await p1.sendField('one', 'two', -1);
    await p1.done(-1);
    // Receive response.
    const st = await p0.recvStatus(-1);
    expect(st.code).toBe(200);
    expect(st.reason).toBe('OK');
    expect(await p0.recvField(-1)).toEqual({ name: 'one', value: 'two' });
    expect(await errnoOf(p0.recvField(-1))).toBe('EPIPE');

    // Close the sockets: http_detach, then hclose on what it returned.
    const u1 = await p1.detach(-1);
    const u0 = await p0.detach(-1);
    expect(u1).toBe(e1);
    expect(u0).toBe(e0);
    u1.close();
    u0.close();
    // Nothing was left unread on either pipe.
    expect(() => u0.tryRead()).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
