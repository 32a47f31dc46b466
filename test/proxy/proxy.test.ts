import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deliveryTime, startLink, startProxies, type Link, type Proxies } from '../../harness/proxy/index.js';
import { isolateOneWay } from '../../harness/run/topologies.js';
import { createRandom } from '../../harness/shared/random.js';

// Everything a test starts is closed after it, even when it fails.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface HttpTarget {
  port: number;
  /** Requests the server has received (in full). */
  requests: string[];
  /** TCP connections the server has accepted. */
  connections: number;
}

/** An HTTP server answering `<name>:<path>`, closed after the test. */
async function httpTarget(name = 'target'): Promise<HttpTarget> {
  const target: HttpTarget = { port: 0, requests: [], connections: 0 };
  const server = http.createServer((req, res) => {
    target.requests.push(req.url ?? '');
    res.end(`${name}:${req.url}`);
  });
  server.on('connection', () => target.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  target.port = (server.address() as net.AddressInfo).port;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return target;
}

/** A TCP server that echoes every byte back, closed after the test. */
async function echoTarget(): Promise<{ port: number; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

async function link(from: string, to: string, port: number, random?: () => number): Promise<Link> {
  const l = await startLink({ from, to, target: { host: '127.0.0.1', port }, random });
  cleanups.push(() => l.close());
  return l;
}

async function mesh(targets: Record<string, HttpTarget>): Promise<Proxies> {
  const addresses = Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { host: '127.0.0.1', port: t.port }]));
  const p = await startProxies(addresses);
  cleanups.push(() => p.close());
  return p;
}

type Outcome = { kind: 'ok'; status: number; body: string } | { kind: 'timeout' } | { kind: 'error'; code: string };

function get(address: string, path: string, opts: { agent?: http.Agent; timeoutMs?: number } = {}): Promise<Outcome> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const req = http.request({ host, port: Number(port), path, agent: opts.agent ?? false, timeout: opts.timeoutMs ?? 2000 });
    req.on('timeout', () => {
      resolve({ kind: 'timeout' });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.message }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ kind: 'ok', status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.message }));
    });
    req.end();
  });
}

function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => agent.destroy());
  return agent;
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  cleanups.push(() => s.destroy());
  await once(s, 'connect');
  return s;
}

/** Collects what a socket receives; `until(n)` resolves once n bytes have arrived. */
function collect(s: net.Socket) {
  const chunks: Buffer[] = [];
  let size = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  s.on('data', (c: Buffer) => {
    chunks.push(c);
    size += c.length;
    for (const w of waiters.filter((w) => size >= w.n)) w.resolve();
  });
  return {
    get size() {
      return size;
    },
    bytes: () => Buffer.concat(chunks),
    until: (n: number) => new Promise<void>((resolve) => (size >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open TCP servers and sockets in this process. */
const tcpHandles = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;

describe('a link in pass mode', () => {
  it('carries a large payload through intact and in order, both ways', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    const got = collect(s);
    const payload = randomBytes(8 * 1024 * 1024);
    for (let at = 0; at < payload.length; at += 100_000) s.write(payload.subarray(at, at + 100_000));
    await got.until(payload.length);
    expect(got.bytes().equals(payload)).toBe(true);
    expect(l.stats()).toMatchObject({ mode: 'pass', connections: 1, bytesForwarded: 2 * payload.length, bytesSwallowed: 0 });
  });

  it('serves HTTP keep-alive requests over one connection', async () => {
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    const agent = keepAliveAgent();
    for (let i = 0; i < 20; i++) {
      expect(await get(l.address, `/k${i}`, { agent })).toEqual({ kind: 'ok', status: 200, body: `b:/k${i}` });
    }
    expect(target.connections).toBe(1);
    expect(l.stats().connections).toBe(1);
  });

  it('passes a half-close on: the reply still arrives after the client sends its FIN', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    const got = collect(s);
    s.end('last words');
    await once(s, 'end');
    expect(got.bytes().toString()).toBe('last words');
  });
});

describe('a cut link', () => {
  it('swallows a request until healed: the client times out, then a new request passes', async () => {
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    l.cut();
    expect(l.mode).toBe('cut');
    expect(await get(l.address, '/during', { timeoutMs: 300 })).toEqual({ kind: 'timeout' });
    expect(target.requests).toEqual([]);
    expect(l.stats().bytesSwallowed).toBeGreaterThan(0);

    l.heal();
    expect(await get(l.address, '/after')).toEqual({ kind: 'ok', status: 200, body: 'b:/after' });
    await sleep(50);
    expect(target.requests).toEqual(['/after']); // the swallowed request is never replayed
  });

  it('black-holes connections that were already open, keeping them open', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    const got = collect(s);
    s.write('before');
    await got.until(6);
    l.cut();
    s.write('during');
    await sleep(200);
    expect(got.bytes().toString()).toBe('before');
    expect(s.destroyed).toBe(false);
    expect(echo.sockets.size).toBe(1); // the target side is held open too
    expect(l.stats().bytesSwallowed).toBe(6);
  });

  it('closes at heal a connection that lost bytes, instead of resuming a torn stream', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    l.cut();
    s.write('lost');
    await sleep(50);
    const closed = once(s, 'close');
    l.heal();
    await closed;
    expect(l.stats().dropped).toBe(1);
  });

  it('lets an idle keep-alive connection that lost nothing carry on after heal, without reconnecting', async () => {
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    const agent = keepAliveAgent();
    expect(await get(l.address, '/1', { agent })).toMatchObject({ kind: 'ok' });
    l.cut();
    await sleep(100);
    l.heal();
    expect(await get(l.address, '/2', { agent })).toMatchObject({ kind: 'ok', body: 'b:/2' });
    expect(target.connections).toBe(1);
    expect(l.stats()).toMatchObject({ connections: 1, dropped: 0 });
  });

  it('holds a connection made during the cut and connects it to the target at heal', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    l.cut();
    const s = await connect(l.port);
    await sleep(50);
    expect(echo.sockets.size).toBe(0);
    l.heal();
    const got = collect(s);
    s.write('hello');
    await got.until(5);
    expect(got.bytes().toString()).toBe('hello');
  });
});

describe('one-way cuts', () => {
  it('a → b cut stalls the requests a makes to b, while b → a still works', async () => {
    const a = await httpTarget('a');
    const b = await httpTarget('b');
    const p = await mesh({ a, b });
    p.apply({ cut: [['a', 'b']] });
    expect(p.link('a', 'b').mode).toBe('cut');
    expect(p.link('b', 'a').mode).toBe('pass');
    const [ab, ba] = await Promise.all([
      get(p.linkAddress('a', 'b'), '/from-a', { timeoutMs: 300 }),
      get(p.linkAddress('b', 'a'), '/from-b'),
    ]);
    expect(ab).toEqual({ kind: 'timeout' });
    expect(ba).toEqual({ kind: 'ok', status: 200, body: 'a:/from-b' });
    expect(b.requests).toEqual([]);
  });

  it('isolate-one-way: the isolated node reaches no one, and everyone still reaches it', async () => {
    const targets = { n1: await httpTarget('n1'), n2: await httpTarget('n2'), n3: await httpTarget('n3') };
    const p = await mesh(targets);
    const t = isolateOneWay(p.nodes, createRandom(3));
    const loner = t.groups[0]![0]!;
    p.apply(t);
    const others = p.nodes.filter((n) => n !== loner);
    for (const other of others) {
      expect(await get(p.linkAddress(loner, other), '/x', { timeoutMs: 200 })).toEqual({ kind: 'timeout' });
      expect(await get(p.linkAddress(other, loner), '/y')).toEqual({ kind: 'ok', status: 200, body: `${loner}:/y` });
      const third = others.find((n) => n !== other)!;
      expect(await get(p.linkAddress(other, third), '/z')).toMatchObject({ kind: 'ok' });
    }
  });
});

describe('reject', () => {
  it('resets a new connection at once: the client sees ECONNRESET, not a timeout', async () => {
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    l.reject();
    expect(await get(l.address, '/x', { timeoutMs: 5000 })).toEqual({ kind: 'error', code: 'ECONNRESET' });
    expect(target.requests).toEqual([]);
    expect(l.stats().resets).toBe(1);
  });

  it('resets connections that were already open', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    const error = new Promise<NodeJS.ErrnoException>((resolve) => s.once('error', resolve));
    l.reject();
    expect((await error).code).toBe('ECONNRESET');
    l.heal();
    const again = await connect(l.port);
    const got = collect(again);
    again.write('ok');
    await got.until(2);
  });

  it('a target that is not listening shows as a reset of the connection', async () => {
    const spare = net.createServer();
    spare.listen(0, '127.0.0.1');
    await once(spare, 'listening');
    const deadPort = (spare.address() as net.AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const l = await link('a', 'b', deadPort);
    expect(await get(l.address, '/x', { timeoutMs: 5000 })).toEqual({ kind: 'error', code: 'ECONNRESET' });
    expect(l.stats().resets).toBe(1);
  });
});

describe('delay', () => {
  it('adds at least the configured latency in each direction', async () => {
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    l.delay({ ms: 60 });
    expect(l.mode).toBe('delay');
    const started = performance.now();
    expect(await get(l.address, '/slow')).toMatchObject({ kind: 'ok', body: 'b:/slow' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 60 - 1);
  });

  it('with jitter, adds at least ms − jitter each way and keeps every byte in order', async () => {
    const echo = await echoTarget();
    const random = createRandom(11);
    const l = await link('a', 'b', echo.port, random.next);
    l.delay({ ms: 30, jitterMs: 25 });
    const s = await connect(l.port);
    const got = collect(s);
    const payload = randomBytes(64 * 1024);
    const started = performance.now();
    for (let at = 0; at < payload.length; at += 512) {
      s.write(payload.subarray(at, at + 512));
      if (at % 8192 === 0) await sleep(1);
    }
    await got.until(payload.length);
    expect(got.bytes().equals(payload)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * (30 - 25) - 1);
  });

  it('delivers what is still queued at once when the delay ends', async () => {
    const echo = await echoTarget();
    const l = await link('a', 'b', echo.port);
    const s = await connect(l.port);
    const got = collect(s);
    l.delay({ ms: 60_000 });
    s.write('queued');
    await sleep(50);
    expect(got.size).toBe(0);
    l.undelay();
    await got.until(6); // delivered now; the echo comes straight back
    expect(got.bytes().toString()).toBe('queued');
  });

  it('a due time is never before the previous one and lies within ms ± jitter of arrival', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { maxLength: 50 }),
        fc.nat(200),
        fc.nat(200),
        (arrivals, ms, jitterMs) => {
          let now = 0;
          let previous = -Infinity;
          for (const [gap, r] of arrivals) {
            now += gap;
            const at = deliveryTime(now, previous, { ms, jitterMs }, () => r);
            expect(at).toBeGreaterThanOrEqual(previous);
            expect(at).toBeGreaterThanOrEqual(now + Math.max(0, ms - jitterMs));
            expect(at).toBeLessThanOrEqual(Math.max(previous, now + ms + jitterMs));
            previous = at;
          }
        },
      ),
    );
  });

  it('a delay and a cut are separate layers: healing the partition leaves the delay', async () => {
    const a = await httpTarget('a');
    const b = await httpTarget('b');
    const p = await mesh({ a, b });
    p.delay([['a', 'b']], { ms: 40 });
    p.apply({ cut: [['a', 'b']] });
    expect(p.link('a', 'b').mode).toBe('cut');
    p.heal();
    expect(p.link('a', 'b').mode).toBe('delay');
    const started = performance.now();
    expect(await get(p.linkAddress('a', 'b'), '/x')).toMatchObject({ kind: 'ok' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 40 - 1);
    p.healAll();
    expect(p.stats().map((s) => s.mode)).toEqual(['pass', 'pass']);
  });
});

describe('the mesh of a cluster', () => {
  it('has one link per ordered pair, and the addresses to give each node', async () => {
    const targets = { n1: await httpTarget('n1'), n2: await httpTarget('n2'), n3: await httpTarget('n3') };
    const p = await mesh(targets);
    expect(p.links()).toHaveLength(6);
    expect(new Set(p.links().map((l) => l.port)).size).toBe(6);
    expect(Object.keys(p.peers('n2'))).toEqual(['n1', 'n3']);
    expect(p.peers('n2').n3).toBe(p.linkAddress('n2', 'n3'));
    expect(p.linkAddress('n2', 'n3')).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await get(p.linkAddress('n2', 'n3'), '/hi')).toEqual({ kind: 'ok', status: 200, body: 'n3:/hi' });
    expect(() => p.linkAddress('n1', 'n1')).toThrow(/itself/);
    expect(() => p.peers('n9')).toThrow(/unknown node n9/);
  });

  it('apply replaces the partition: links of the old one heal, a bad one changes nothing', async () => {
    const targets = { n1: await httpTarget('n1'), n2: await httpTarget('n2'), n3: await httpTarget('n3') };
    const p = await mesh(targets);
    p.apply({ cut: [['n1', 'n2'], ['n2', 'n1']] });
    p.apply({ cut: [['n3', 'n1']], mode: 'reject' });
    const modes = Object.fromEntries(p.stats().map((s) => [`${s.from}>${s.to}`, s.mode]));
    expect(modes).toEqual({ 'n1>n2': 'pass', 'n1>n3': 'pass', 'n2>n1': 'pass', 'n2>n3': 'pass', 'n3>n1': 'reject', 'n3>n2': 'pass' });
    expect(() => p.apply({ cut: [['n1', 'n2'], ['n1', 'nope']] })).toThrow(/no link n1 → nope/);
    expect(p.link('n1', 'n2').mode).toBe('pass');
    expect(await get(p.linkAddress('n3', 'n1'), '/x')).toEqual({ kind: 'error', code: 'ECONNRESET' });
    p.heal();
    expect(await get(p.linkAddress('n3', 'n1'), '/x')).toMatchObject({ kind: 'ok' });
  });

  it('only takes loopback targets', async () => {
    await expect(startLink({ from: 'a', to: 'b', target: { host: '10.0.0.1', port: 80 } })).rejects.toThrow(/loopback/);
  });

  it('a node added later gets links both ways to every node, obeys partitions, and loses them when removed', async () => {
    const targets = { n1: await httpTarget('n1'), n2: await httpTarget('n2') };
    const p = await mesh(targets);
    const n3 = await httpTarget('n3');
    await p.addNode('n3', { host: '127.0.0.1', port: n3.port });
    expect(p.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(p.links()).toHaveLength(6);
    expect(await get(p.linkAddress('n1', 'n3'), '/in')).toEqual({ kind: 'ok', status: 200, body: 'n3:/in' });
    expect(await get(p.linkAddress('n3', 'n2'), '/out')).toEqual({ kind: 'ok', status: 200, body: 'n2:/out' });
    p.apply({ cut: [['n1', 'n3']], mode: 'reject' });
    expect(await get(p.linkAddress('n1', 'n3'), '/x')).toEqual({ kind: 'error', code: 'ECONNRESET' });
    p.heal();
    await expect(p.addNode('n3', { host: '127.0.0.1', port: n3.port })).rejects.toThrow(/already/);
    const gone = p.linkAddress('n2', 'n3');
    await p.removeNode('n3');
    expect(p.nodes).toEqual(['n1', 'n2']);
    expect(p.links().map((l) => `${l.from}>${l.to}`).sort()).toEqual(['n1>n2', 'n2>n1']);
    expect(() => p.linkAddress('n2', 'n3')).toThrow(/no link n2 → n3/);
    // Its ports are closed: nothing listens there any more.
    expect(await get(gone, '/x', { timeoutMs: 1000 })).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
  });
});

describe('under load', () => {
  it('survives cuts, rejects, delays and heals while requests fly, then serves every request again', async () => {
    await sleep(50);
    const before = tcpHandles();
    const target = await httpTarget('b');
    const l = await link('a', 'b', target.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const outcomes = { ok: 0, timeout: 0, error: 0 };
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) outcomes[(await get(l.address, `/${w}/${i}`, { agent, timeoutMs: 150 })).kind]++;
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    const random = createRandom(5);
    for (let step = 0; step < 40; step++) {
      const change = random.pick(['cut', 'reject', 'delay', 'undelay', 'unblock', 'heal'] as const);
      if (change === 'delay') l.delay({ ms: 5, jitterMs: 5 });
      else l[change]();
      await sleep(random.int(40));
    }
    l.heal();
    stop = true;
    await Promise.all(workers);
    expect(outcomes.ok).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) expect(await get(l.address, `/after/${i}`, { agent })).toMatchObject({ kind: 'ok' });

    agent.destroy();
    await l.close();
    while (cleanups.length) await cleanups.pop()!();
    await sleep(50);
    expect(l.stats().openConnections).toBe(0);
    expect(tcpHandles()).toBe(before);
  });
});

describe('close', () => {

  it('leaves no listening port and no open socket, and can be called again', async () => {
    await sleep(50); // sockets the previous tests destroyed finish closing
    const before = tcpHandles();
    const echo = await echoTarget();
    const p = await startProxies({ a: { host: '127.0.0.1', port: echo.port }, b: { host: '127.0.0.1', port: echo.port } });
    const ports = p.links().map((l) => l.port);
    const open = await connect(p.linkAddress('a', 'b').split(':').map(Number)[1]!);
    const got = collect(open);
    open.write('x');
    await got.until(1);
    p.link('b', 'a').cut();
    const held = await connect(p.linkAddress('b', 'a').split(':').map(Number)[1]!);
    held.write('y');
    await sleep(20);

    expect(tcpHandles()).toBeGreaterThan(before);
    const closedClient = once(open, 'close');
    const closedHeld = once(held, 'close');
    await p.close();
    await p.close();
    await Promise.all([closedClient, closedHeld]);
    for (const port of ports) {
      const s = net.connect({ host: '127.0.0.1', port });
      const [err] = (await once(s, 'error')) as [NodeJS.ErrnoException];
      expect(err.code).toBe('ECONNREFUSED');
    }
    while (cleanups.length) await cleanups.pop()!(); // the echo server and the test's sockets
    await sleep(20);
    expect(tcpHandles()).toBe(before);
  });
});
