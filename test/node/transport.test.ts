import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PeerError, Transport, type ChaosSettings } from '../../node/transport.js';
import { Batcher, serveBatch } from '../../node/batching.js';
import { parseBatch, type KeyRules } from '../../node/peer-messages.js';

let server: http.Server;
let addr: string;
let requests: { path: string; body: string }[];
let stall = false;
/** What the fake replica answers a read with (a real replica answers {found:false} or a record). */
let readAnswer: (key: string) => unknown = (key) => ({ found: true, value: `value of ${key}`, version: 1, writer: 'node-2' });
const anyKey: KeyRules = { checkKey: () => {}, checkValue: () => {} };

beforeEach(async () => {
  requests = [];
  stall = false;
  readAnswer = (key) => ({ found: true, value: `value of ${key}`, version: 1, writer: 'node-2' });
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      requests.push({ path: req.url!, body });
      if (stall) return; // never answer
      const answer =
        req.url === '/internal/batch'
          ? await serveBatch(parseBatch(JSON.parse(body), anyKey), { read: (b) => readAnswer(b.key), write: () => { throw new Error('read-only'); } })
          : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const make = (chaos: ChaosSettings = { enabled: false, drop: 0, delayMs: [0, 0] }, random?: () => number) =>
  new Transport({ requestTimeoutMs: 200, chaos, resolve: (peer) => (peer === 'node-2' ? addr : undefined), ...(random ? { random } : {}) });

describe('transport', () => {
  it('dials a member at its resolved address and returns the JSON answer', async () => {
    const t = make();
    expect(await t.post({ peer: 'node-2' }, '/internal/heartbeat', { hi: 1 })).toEqual({ ok: true });
    expect(requests).toEqual([{ path: '/internal/heartbeat', body: '{"hi":1}' }]);
    t.close();
  });

  it('says why a request failed: unknown member, refused, timeout', async () => {
    const t = make();
    await expect(t.post({ peer: 'node-9' }, '/x', {})).rejects.toThrow('node-9: no known address');
    await expect(t.post({ addr: '127.0.0.1:1' }, '/x', {})).rejects.toThrow('connection refused');
    stall = true;
    const e = await t.post({ peer: 'node-2' }, '/x', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PeerError);
    expect((e as PeerError).reason).toBe('no answer within 200ms');
    t.close();
  });

  it('chaos drop: the request is never sent and the caller sees a timeout', async () => {
    const t = make({ enabled: true, drop: 1, delayMs: [0, 0] });
    await expect(t.post({ peer: 'node-2' }, '/x', {}, 50)).rejects.toThrow('no answer within 50ms');
    expect(requests).toEqual([]);
    t.close();
  });

  it('chaos delay: requests leave after a delay in the given range', async () => {
    const t = make({ enabled: true, drop: 0, delayMs: [40, 60] }, () => 0.5);
    const t0 = performance.now();
    await t.post({ peer: 'node-2' }, '/x', {});
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    t.close();
  });
});

describe('batching', () => {
  it('calls made together leave as one request, and each gets its own answer', async () => {
    const t = make();
    const b = new Batcher(t, { timeoutMs: 200 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => b.call('node-2', 'read', { key: `k${i}` })));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => ({ found: true, value: `value of k${i}`, version: 1, writer: 'node-2' })));
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(b.stats.ops).toBe(10);
    t.close();
  });

  it('an op the peer refuses fails alone', async () => {
    const t = make();
    const b = new Batcher(t, { timeoutMs: 200 });
    const [r, w] = await Promise.allSettled([b.call('node-2', 'read', { key: 'a' }), b.call('node-2', 'write', { key: 'a', value: 'x', version: 1, writer: 'node-1' })]);
    expect(r.status).toBe('fulfilled');
    expect(w).toMatchObject({ status: 'rejected', reason: { reason: 'refused: read-only' } });
    t.close();
  });

  it('a call waiting behind the request in flight to its peer is told when it finally leaves', async () => {
    const pending: (() => void)[] = [];
    const b = new Batcher({ postRaw: () => new Promise((resolve) => pending.push(() => resolve({ results: [{ ok: true, value: { found: false } }] } as never))) }, { timeoutMs: 1000, maxInFlight: 1 });
    const left: string[] = [];
    const first = b.call('node-2', 'read', { key: 'a' }, () => left.push('a'));
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    expect(left).toEqual(['a']);
    const second = b.call('node-2', 'read', { key: 'b' }, () => left.push('b'));
    await new Promise((r) => setImmediate(r));
    expect(left).toEqual(['a']); // still queued: the one request allowed in flight is unanswered
    pending.shift()!();
    await first;
    await vi.waitFor(() => expect(left).toEqual(['a', 'b']));
    pending.shift()!();
    await second;
  });

  it('an answer outside the protocol is not believed: the call fails, naming what was wrong', async () => {
    const t = make();
    const b = new Batcher(t, { timeoutMs: 200 });
    readAnswer = () => ({ found: true, value: 'v', version: 2 ** 60, writer: 'node-2' });
    await expect(b.call('node-2', 'read', { key: 'a' })).rejects.toMatchObject({ reason: expect.stringMatching(/answered a read with a malformed record: read answer: "version" must be an integer from 1 to 4503599627370496/) });
    readAnswer = () => ({ found: true, value: 'v', version: 3, writer: 'not an id' });
    await expect(b.call('node-2', 'read', { key: 'a' })).rejects.toMatchObject({ reason: expect.stringMatching(/"writer" must be a member id/) });
    readAnswer = () => ({ found: false });
    await expect(b.call('node-2', 'read', { key: 'a' })).resolves.toEqual({ found: false });
    t.close();
  });

  it('every call times out on its own clock when the peer does not answer', async () => {
    // A request that never settles: only each call's own timer can end it.
    const b = new Batcher({ postRaw: () => new Promise<never>(() => {}) }, { timeoutMs: 60 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => b.call('node-2', 'read', { key: 'a' })));
    expect(results).toEqual(Array(5).fill({ status: 'rejected', reason: expect.objectContaining({ reason: 'no answer within 60ms' }) }));
  });
});
