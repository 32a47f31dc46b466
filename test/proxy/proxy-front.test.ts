import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxies, type Proxies } from '../../harness/proxy/mesh.js';
import { startFronts, type Fronts, type RouteByHead } from '../../harness/proxy/front.js';
import { parseRequestHead } from '../../harness/proxy/http-head.js';

// Everything a test starts is closed after it, even when it fails.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  port: number;
  requests: string[];
}

/**
 * An HTTP server standing for one node: `/stream` answers with a chunk every 10 ms forever (as an
 * etcd stream does), anything else with `<name>:<path>`.
 */
async function node(name: string): Promise<Target> {
  const target: Target = { port: 0, requests: [] };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    target.requests.push(req.url ?? '');
    if (req.url === '/stream') {
      res.writeHead(200);
      const t = setInterval(() => res.write('tick\n'), 10);
      timers.add(t);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.end(`${name}:${req.url}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  target.port = (server.address() as net.AddressInfo).port;
  cleanups.push(async () => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return target;
}

/** The sender is named by `x-from`; `/stream` carries the dialled node's traffic to the dialler. */
const route: RouteByHead = (head, to) => {
  const from = head.headers['x-from'];
  if (!from) return undefined;
  return head.path === '/stream' ? [to, from] : [from, to];
};

async function cluster(names: string[]): Promise<{ proxies: Proxies; fronts: Fronts; targets: Record<string, Target> }> {
  const targets = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await node(n)] as const)));
  const addresses = Object.fromEntries(names.map((n) => [n, { host: '127.0.0.1', port: targets[n]!.port }]));
  const proxies = await startProxies(addresses);
  cleanups.push(() => proxies.close());
  const fronts = await startFronts(proxies, addresses, route);
  cleanups.push(() => fronts.close());
  return { proxies, fronts, targets };
}

type Outcome = { kind: 'ok'; body: string } | { kind: 'timeout' } | { kind: 'error'; code: string };

function get(address: string, path: string, from: string | undefined, timeoutMs = 1000): Promise<Outcome> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const headers = from ? { 'x-from': from } : {};
    const req = http.request({ host, port: Number(port), path, headers, agent: false, timeout: timeoutMs });
    req.on('timeout', () => {
      resolve({ kind: 'timeout' });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.message }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ kind: 'ok', body }));
    });
    req.end();
  });
}

/** Opens `/stream` through a front and counts the bytes that arrive. */
async function openStream(address: string, from: string): Promise<{ received: () => number; closed: () => boolean }> {
  const [host, port] = address.split(':') as [string, string];
  let received = 0;
  let closed = false;
  const req = http.request({ host, port: Number(port), path: '/stream', headers: { 'x-from': from }, agent: false });
  req.on('error', () => (closed = true));
  cleanups.push(() => req.destroy());
  req.end();
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  res.on('data', (c: Buffer) => (received += c.length));
  res.on('error', () => (closed = true));
  res.on('close', () => (closed = true));
  return { received: () => received, closed: () => closed };
}

describe('parseRequestHead', () => {
  it('reads method, path and lower-cased headers once the head is complete', () => {
    const bytes = Buffer.from('GET /raft/stream/message/8e9e HTTP/1.1\r\nHost: x\r\nX-Server-From: 8e9e\r\n\r\nbody');
    expect(parseRequestHead(bytes)).toEqual({
      method: 'GET',
      path: '/raft/stream/message/8e9e',
      headers: { host: 'x', 'x-server-from': '8e9e' },
    });
  });

  it('waits for the blank line, at any split point, and gives the same head', () => {
    const bytes = Buffer.from('POST /raft HTTP/1.1\r\nX-Server-From: 1\r\nContent-Length: 0\r\n\r\n');
    const whole = parseRequestHead(bytes);
    for (let cut = 0; cut < bytes.length - 1; cut++) expect(parseRequestHead(bytes.subarray(0, cut))).toBe('incomplete');
    expect(whole).toMatchObject({ method: 'POST', path: '/raft', headers: { 'x-server-from': '1' } });
  });

  it('calls what is not an HTTP/1.x request invalid, early', () => {
    expect(parseRequestHead(Buffer.from([0x16, 0x03, 0x01, 0x00]))).toBe('invalid'); // a TLS hello
    expect(parseRequestHead(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toBe('invalid');
    expect(parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nno colon here\r\n\r\n'))).toBe('invalid');
    expect(parseRequestHead(Buffer.alloc(70 * 1024, 'A'))).toBe('invalid');
  });
});

describe('a front', () => {
  it("hands a connection to its sender's link: cutting that link stalls it, other senders pass", async () => {
    const { proxies, fronts, targets } = await cluster(['a', 'b', 'c']);
    expect(await get(fronts.address('b'), '/x', 'a')).toEqual({ kind: 'ok', body: 'b:/x' });
    proxies.apply({ cut: [['a', 'b']] });
    expect(await get(fronts.address('b'), '/during', 'a', 300)).toEqual({ kind: 'timeout' });
    expect(await get(fronts.address('b'), '/other', 'c')).toEqual({ kind: 'ok', body: 'b:/other' });
    expect(await get(fronts.address('a'), '/back', 'b')).toEqual({ kind: 'ok', body: 'a:/back' });
    proxies.heal();
    expect(await get(fronts.address('b'), '/after', 'a')).toEqual({ kind: 'ok', body: 'b:/after' });
    expect(targets.b!.requests).not.toContain('/during');
    expect(proxies.link('a', 'b').stats().connections).toBe(3);
  });

  it('puts a connection whose traffic runs against its dial direction on the link of its traffic', async () => {
    const { proxies, fronts } = await cluster(['a', 'b']);
    // a dials b for /stream, so the bytes that matter are b's to a: link b → a.
    const stream = await openStream(fronts.address('b'), 'a');
    await sleep(60);
    proxies.apply({ cut: [['a', 'b']] });
    const before = stream.received();
    await sleep(60);
    expect(stream.received()).toBeGreaterThan(before); // a → b cut: b's stream to a still flows

    proxies.apply({ cut: [['b', 'a']] });
    await sleep(30); // chunks already in flight may land
    const stopped = stream.received();
    await sleep(150);
    expect(stream.received()).toBe(stopped);
    expect(stream.closed()).toBe(false); // a black hole, not a close
  });

  it('closes a connection that a cut tore when the cut heals, so the dialler reconnects', async () => {
    const { proxies, fronts } = await cluster(['a', 'b']);
    const stream = await openStream(fronts.address('b'), 'a');
    await sleep(40);
    proxies.apply({ cut: [['b', 'a']] });
    await sleep(50);
    proxies.heal();
    await sleep(50);
    expect(stream.closed()).toBe(true);
    expect(proxies.link('b', 'a').stats().dropped).toBe(1);
  });

  it('resets a connection at once when its link rejects', async () => {
    const { proxies, fronts } = await cluster(['a', 'b']);
    proxies.apply({ cut: [['a', 'b']], mode: 'reject' });
    const outcome = await get(fronts.address('b'), '/x', 'a');
    expect(outcome).toEqual({ kind: 'error', code: 'ECONNRESET' });
  });

  it('passes a connection that names no sender straight through, even when every link is cut, and counts it', async () => {
    const { proxies, fronts } = await cluster(['a', 'b']);
    proxies.apply({ cut: [['a', 'b'], ['b', 'a']] });
    expect(await get(fronts.address('b'), '/version', undefined)).toEqual({ kind: 'ok', body: 'b:/version' });
    expect(await get(fronts.address('b'), '/x', 'a', 300)).toEqual({ kind: 'timeout' });
    expect(fronts.stats().find((s) => s.node === 'b')).toMatchObject({ identified: 1, unidentified: 1 });
  });
});
