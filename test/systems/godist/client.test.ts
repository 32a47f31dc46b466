import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeedApiClient } from '../../../harness/systems/godist/client.js';
import { freePorts } from '../../../harness/process/ports.js';

/** A stand-in node whose answer is chosen per key, so each completion rule is tested on its own. */
let server: http.Server;
let addr: string;
const answers: Record<string, { status: number; body?: unknown; hang?: boolean }> = {
  ok: { status: 200, body: { value: '17', version: 3, writer: 'node-1', coordinator: 'node-1', replicaSet: ['node-1'], replicas: [{ node: 'node-1', version: 3, ok: true }] } },
  timed: {
    status: 200,
    body: {
      value: '4', version: 2, writer: 'node-2', coordinator: 'node-2', elapsedMs: 1.5,
      replicas: [
        { node: 'node-2', version: 2, ok: true, sentMs: 0, answeredMs: 0.01 },
        { node: 'node-3', version: 1, ok: true, sentMs: 0.02, leftMs: 0.3, answeredMs: 1.5 },
        { node: 'node-4', version: null, ok: false, pending: true, sentMs: 0.02 },
        { node: 'node-5', version: null, ok: true, sentMs: -1, answeredMs: 'soon' },
      ],
    },
  },
  missing: { status: 404, body: { error: 'not found', replicas: [] } },
  'read-quorum': { status: 503, body: { error: 'read quorum not reached', phase: 'read' } },
  'write-quorum': { status: 503, body: { error: 'write quorum not reached', phase: 'write', acks: 1, needed: 2 } },
  'version-read': { status: 503, body: { error: 'read quorum not reached before writing; nothing was written', phase: 'version-read' } },
  bad: { status: 400, body: { error: 'value must be a string' } },
  hang: { status: 200, hang: true },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const key = req.method === 'GET' ? decodeURIComponent(req.url!.split('/').pop()!) : (JSON.parse(body) as { key: string }).key;
      const answer = answers[key]!;
      if (answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const seedApi = () => createSeedApiClient({ timeoutMs: 300, maxSocketsPerNode: 4 });
const client = () => {
  const c = seedApi();
  return {
    read: (a: string, key: string) => c.invoke(a, { f: 'read', key, value: null }),
    write: (a: string, key: string, value: unknown) => c.invoke(a, { f: 'write', key, value }),
  };
};

describe('client completions follow Jepsen rules', () => {
  it('a 200 read is ok with the decoded value and the replica trace', async () => {
    const c = await client().read(addr, 'ok');
    expect(c).toMatchObject({ type: 'ok', value: 17, trace: { version: 3, writer: 'node-1', replicaSet: ['node-1'] } });
  });

  it('the trace keeps when each replica request was sent and answered, and drops times that are not times', async () => {
    const c = await client().read(addr, 'timed');
    expect(c.trace?.elapsedMs).toBe(1.5);
    expect(c.trace?.replicas).toEqual([
      { node: 'node-2', version: 2, ok: true, sentMs: 0, answeredMs: 0.01 },
      { node: 'node-3', version: 1, ok: true, sentMs: 0.02, leftMs: 0.3, answeredMs: 1.5 },
      { node: 'node-4', version: null, ok: false, sentMs: 0.02 },
      { node: 'node-5', version: null, ok: true },
    ]);
  });

  it("a read's 404 is ok with null; its 503 is fail", async () => {
    expect(await client().read(addr, 'missing')).toMatchObject({ type: 'ok', value: null });
    expect(await client().read(addr, 'read-quorum')).toMatchObject({ type: 'fail', error: '503 read quorum not reached' });
  });

  it("a write's 503 short of W acks is info, but its 503 before writing anything is fail", async () => {
    expect((await client().write(addr, 'write-quorum', 5)).type).toBe('info');
    expect((await client().write(addr, 'version-read', 5)).type).toBe('fail');
  });

  it('a rejected write (4xx) is fail', async () => {
    expect((await client().write(addr, 'bad', 5)).type).toBe('fail');
  });

  it('a timeout is info for reads and writes alike', async () => {
    expect(await client().read(addr, 'hang')).toMatchObject({ type: 'info', error: 'timeout' });
    expect(await client().write(addr, 'hang', 1)).toMatchObject({ type: 'info', error: 'timeout' });
  });

  it('a refused connection is fail for reads and writes', async () => {
    const [closed] = await freePorts(1);
    expect((await client().read(`127.0.0.1:${closed}`, 'k')).type).toBe('fail');
    expect(await client().write(`127.0.0.1:${closed}`, 'k', 1)).toMatchObject({ type: 'fail', error: 'ECONNREFUSED' });
  });
});
