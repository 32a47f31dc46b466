/**
 * The issue's attacks on /internal/*, replayed against real 3-node clusters: with a cluster secret
 * each gets 401 and changes nothing; without one (the seed's open mode) the bodies that broke a
 * cluster are refused by validation (400) and the key stays writable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST, Processes, freePort, get, put, request, status, waitFor, type NodeProcess } from './processes.js';
import { MAX_VERSION } from '../../node/peer-messages.js';

const SECRET = 'test-secret-4f1c9a2b7d3e8f60';
const HEADER = 'X-Godist-Cluster-Secret';

async function startCluster(procs: Processes, env: Record<string, string>): Promise<NodeProcess[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const args = (i: number) => [...FAST, ...(i === 0 ? [] : ['--seed', `127.0.0.1:${ports[0]}`])];
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await procs.start(`node-${i + 1}`, ports[i]!, args(i), 10_000, env));
  await waitFor(async () => {
    for (const n of nodes) {
      const s = await status(n.port);
      if (s.members.length !== 3 || s.members.some((m) => m.state !== 'alive') || s.leader !== 'node-3') return false;
    }
    return true;
  }, 10_000, 'three members alive and node-3 leading everywhere');
  return nodes;
}

/** The attacks of the issue, as bodies a client could send. */
const evilWrite = (version: number) => JSON.stringify({ key: 'alpha', value: 'evil', version, writer: 'node-9' });
const fakeMembers = (n: number) => JSON.stringify({
  from: { id: 'intruder', addr: '127.0.0.1:1' },
  members: Array.from({ length: n }, (_, i) => ({ id: `made-up-${i}`, addr: `127.0.0.1:${2000 + i}` })),
  leader: null,
});

describe('with a cluster secret', () => {
  const procs = new Processes();
  let nodes: NodeProcess[];
  beforeAll(async () => {
    nodes = await startCluster(procs, { GODIST_CLUSTER_SECRET: SECRET });
  });
  afterAll(() => procs.killAll());

  it('the cluster forms, serves, and says its internal routes need the secret', async () => {
    const w = await put(nodes[0]!.port, 'alpha', 'first');
    expect(w.status).toBe(200);
    expect(w.json.acks).toBeGreaterThanOrEqual(2);
    for (const n of nodes) {
      expect((await get(n.port, 'alpha')).json).toMatchObject({ value: 'first', version: 1 });
      expect((await status(n.port)).config.internalAuth).toBe('cluster-secret');
      expect(n.eventsOf('started')[0]).toMatchObject({ internalAuth: 'cluster-secret' });
      expect(n.eventsOf('internal-routes-open')).toEqual([]);
      expect(JSON.stringify(n.events) + n.stderr).not.toContain(SECRET);
    }
  });

  it.each([
    ['no secret', {}],
    ['a wrong secret', { [HEADER]: 'not-the-secret-0000000000' }],
    ['the secret with a byte more', { [HEADER]: `${SECRET}x` }],
  ])('every internal request with %s gets 401 and changes nothing', async (_, headers) => {
    const attacks: [string, string][] = [
      ['/internal/write', evilWrite(99)],
      ['/internal/batch', JSON.stringify({ ops: [{ op: 'write', body: JSON.parse(evilWrite(100)) }] })],
      ['/internal/heartbeat', fakeMembers(2)],
      ['/internal/join', fakeMembers(2)],
      ['/internal/election', JSON.stringify({ from: { id: 'zzz-intruder', addr: '127.0.0.1:1' } })],
      ['/internal/leader', JSON.stringify({ from: { id: 'node-1', addr: '127.0.0.1:1' }, leader: 'node-1' })],
      ['/internal/leave', JSON.stringify({ from: { id: 'node-1', addr: '127.0.0.1:1' } })],
      ['/internal/heartbeat', JSON.stringify({ from: { id: 'intruder', addr: '127.0.0.1:1' }, members: [], leader: null, left: ['node-1', 'node-2'] })],
      ['/internal/read', JSON.stringify({ key: 'alpha' })],
      ['/internal/no-such-route', '{}'],
    ];
    for (const n of nodes) {
      for (const [path, body] of attacks) {
        const r = await request(n.port, 'POST', path, body, headers);
        expect(r.status, `${path} on ${n.id}`).toBe(401);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['www-authenticate']).toBe('X-Godist-Cluster-Secret');
        expect(r.json.error).toMatch(/cluster secret: this node takes \/internal\/ requests only from members of its cluster \(header X-Godist-Cluster-Secret\)/);
      }
    }
    for (const n of nodes) {
      expect((await get(n.port, 'alpha')).json).toMatchObject({ value: 'first', version: 1, writer: 'node-1' });
      const s = await status(n.port);
      expect(s.members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3']);
      expect(s.leader).toBe('node-3');
    }
  });

  it('a refused peer is logged once, not once per request', () => {
    for (const n of nodes) {
      const refused = n.eventsOf('internal-request-refused');
      expect(refused.length).toBe(1);
      expect(refused[0]).toMatchObject({ reason: 'missing cluster secret', from: '127.0.0.1', refused: 1 });
    }
  });

  it.each([
    ['no secret', {}],
    ['a wrong secret', { [HEADER]: 'not-the-secret-0000000000' }],
  ])('POST /cluster/dial and /cluster/leave with %s get 401 and change nothing; the ring stays open', async (_, headers) => {
    for (const n of nodes) {
      const dial = await request(n.port, 'POST', '/cluster/dial', JSON.stringify({ id: n.id === 'node-1' ? 'node-2' : 'node-1', addr: '127.0.0.1:1' }), headers);
      expect(dial.status, `dial on ${n.id}`).toBe(401);
      expect(dial.headers['www-authenticate']).toBe('X-Godist-Cluster-Secret');
      expect(dial.json.error).toMatch(/cluster secret: this node takes POST \/cluster\/dial only from members of its cluster/);
      for (const body of [undefined, '{}']) {
        const leave = await request(n.port, 'POST', '/cluster/leave', body, headers);
        expect(leave.status, `leave on ${n.id}`).toBe(401);
        expect(leave.json.error).toMatch(/takes POST \/cluster\/leave only from members of its cluster/);
      }
      expect((await request(n.port, 'GET', '/cluster/ring', undefined, headers)).json).toMatchObject({ members: ['node-1', 'node-2', 'node-3'] });
      expect((await request(n.port, 'POST', '/cluster/ring', JSON.stringify({ keys: ['alpha'] }), headers)).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300)); // a few heartbeats: a planted dial address would show by now
    for (const n of nodes) {
      expect(n.alive).toBe(true);
      expect(n.eventsOf('left')).toEqual([]);
      const s = await status(n.port);
      expect(s.members.map((m) => `${m.id}:${m.state}`)).toEqual(['node-1:alive', 'node-2:alive', 'node-3:alive']);
      expect(s.members.filter((m) => (m as { dial?: string }).dial !== undefined)).toEqual([]);
      expect((await get(n.port, 'alpha')).json).toMatchObject({ value: 'first' });
    }
  });

  it('the right secret in the header is let through', async () => {
    const r = await request(nodes[1]!.port, 'POST', '/internal/read', JSON.stringify({ key: 'alpha' }), { [HEADER]: SECRET });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ found: true, value: 'first' });
  });

  it('a node with another secret cannot join, and the cluster does not learn of it', async () => {
    const port = await freePort();
    const stranger = procs.spawn('node-4', port, [...FAST, '--seed', nodes[0]!.addr], { GODIST_CLUSTER_SECRET: 'another-secret-123456789' });
    await waitFor(() => stranger.eventsOf('join-failed').length > 0, 10_000, 'node-4 to fail to join');
    expect(stranger.eventsOf('join-failed')[0]!.reason).toMatch(/answered 401: a wrong cluster secret/);
    for (const n of nodes) expect((await status(n.port)).members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('with the secret, a malformed dial or leave is a 400; a member that joins is dialled, and one that leaves tells every member (its announcement carries the secret)', async () => {
    const auth = { [HEADER]: SECRET };
    for (const body of ['{}', '{"id":"node-9"}', '{"id":"node-9","addr":"nowhere"}', '{"id":"node-9","addr":"127.0.0.1:1","x":1}', 'null', 'nope']) {
      const r = await request(nodes[0]!.port, 'POST', '/cluster/dial', body, auth);
      expect(r.status, body).toBe(400);
      expect(typeof r.json.error).toBe('string');
    }
    expect((await request(nodes[0]!.port, 'POST', '/cluster/dial', JSON.stringify({ id: 'node-1', addr: '127.0.0.1:1' }), auth)).json.error).toMatch(/is this node itself/);
    for (const body of ['{"now":true}', 'null', '[]', '"x"']) {
      const r = await request(nodes[0]!.port, 'POST', '/cluster/leave', body, auth);
      expect(r.status, body).toBe(400);
    }
    expect(nodes[0]!.alive).toBe(true);

    const port = await freePort();
    for (const n of nodes) {
      const r = await request(n.port, 'POST', '/cluster/dial', JSON.stringify({ id: 'node-5', addr: `127.0.0.1:${port}` }), auth);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ id: 'node-5', dial: `127.0.0.1:${port}` });
    }
    const joiner = await procs.start('node-5', port, [...FAST, '--seed', nodes[0]!.addr], 10_000, { GODIST_CLUSTER_SECRET: SECRET });
    await waitFor(async () => (await Promise.all(nodes.map((n) => status(n.port)))).every((s) => s.members.length === 4), 5000, 'node-5 in every table');
    const leave = await request(port, 'POST', '/cluster/leave', undefined, auth);
    expect(leave.status).toBe(200);
    expect(leave.json).toMatchObject({ id: 'node-5', left: true, missed: [] });
    expect([...leave.json.told].sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(await joiner.exited).toEqual({ code: 0, signal: null });
    for (const n of nodes) {
      // From the announcement itself, or from a member that heard it first and passed it on in a heartbeat.
      expect(n.eventsOf('member-left')).toMatchObject([{ peer: 'node-5', via: expect.stringMatching(/^(its announcement|left list of node-[123])$/) }]);
      expect((await status(n.port)).members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3']);
    }
    // The heartbeats that now carry the retired id ("left") are taken by the members: past suspect-after,
    // every member is still alive, and none relearned the leaver.
    await new Promise((r) => setTimeout(r, 800));
    for (const n of nodes) {
      expect((await status(n.port)).members.map((m) => `${m.id}:${m.state}`)).toEqual(['node-1:alive', 'node-2:alive', 'node-3:alive']);
      expect(n.eventsOf('member-joined').filter((e) => e.peer === 'node-5')).toHaveLength(1);
    }
  });
});

describe('without a cluster secret (the seed\'s open mode)', () => {
  const procs = new Processes();
  let nodes: NodeProcess[];
  beforeAll(async () => {
    nodes = await startCluster(procs, {});
    expect((await put(nodes[0]!.port, 'alpha', 'first')).status).toBe(200);
  });
  afterAll(() => procs.killAll());

  it('says once at start-up that its internal routes are open', async () => {
    for (const n of nodes) {
      expect(n.eventsOf('internal-routes-open')).toHaveLength(1);
      expect(n.eventsOf('internal-routes-open')[0]!.note).toMatch(/anyone who can reach this address can act as a member/);
      expect((await status(n.port)).config.internalAuth).toBe('open');
    }
  });

  it('a version at the end of the safe integers, or leaping far ahead, is refused and the key stays writable', async () => {
    for (const n of nodes) {
      for (const v of [Number.MAX_SAFE_INTEGER, MAX_VERSION + 1]) {
        const r = await request(n.port, 'POST', '/internal/write', evilWrite(v));
        expect(r.status).toBe(400);
        expect(r.json.error).toMatch(/"version" must be an integer from 1 to 4503599627370496/);
      }
      const leap = await request(n.port, 'POST', '/internal/write', evilWrite(MAX_VERSION));
      expect(leap.status).toBe(400);
      expect(leap.json.error).toMatch(/is more than 4294967296 above the version this replica holds \(1\); refused/);
    }
    const again = await put(nodes[1]!.port, 'alpha', 'second');
    expect(again.status).toBe(200);
    expect(again.json.version).toBe(2);
    for (const n of nodes) expect((await get(n.port, 'alpha')).json).toMatchObject({ value: 'second', version: 2 });
  });

  it('heartbeat, join, election and leader refuse bodies that are not their message', async () => {
    for (const path of ['/internal/heartbeat', '/internal/join', '/internal/election', '/internal/leader', '/internal/read', '/internal/write', '/internal/batch']) {
      for (const body of ['null', '[]', '{}', '"x"', '7', 'true']) {
        const r = await request(nodes[0]!.port, 'POST', path, body);
        expect(r.status, `${path} ${body}`).toBe(400);
        expect(typeof r.json.error).toBe('string');
      }
    }
  });

  it('malformed leave announcements, retired-id lists, dial and leave requests are refused (400) and change nothing', async () => {
    const from = { id: 'node-2', addr: nodes[1]!.addr };
    const refused: [string, string | undefined][] = [
      ['/internal/leave', '{}'],
      ['/internal/leave', JSON.stringify({ from: { id: 'node-2' } })],
      ['/internal/leave', JSON.stringify({ from, why: 'x' })],
      ['/internal/heartbeat', JSON.stringify({ from, members: [], leader: null, left: Array.from({ length: 257 }, (_, i) => `gone-${i}`) })],
      ['/internal/heartbeat', JSON.stringify({ from, members: [], leader: null, left: ['node-1', 'not an id'] })],
      ['/internal/heartbeat', JSON.stringify({ from, members: [], leader: null, left: 'node-1' })],
      ['/internal/join', JSON.stringify({ from, members: [], leader: null, left: ['node-2'] })],
      ['/cluster/dial', JSON.stringify({ id: 'node-2', addr: 'nowhere' })],
      ['/cluster/dial', JSON.stringify({ id: 'node-2', addr: '127.0.0.1:1', extra: true })],
      ['/cluster/leave', '{"force":true}'],
      ['/cluster/leave', '[]'],
      ['/cluster/ring', JSON.stringify({ keys: Array.from({ length: 10_001 }, (_, i) => `k${i}`) })],
    ];
    for (const [path, body] of refused) {
      const r = await request(nodes[0]!.port, 'POST', path, body);
      expect(r.status, `${path} ${body?.slice(0, 80)}`).toBe(400);
      expect(typeof r.json.error).toBe('string');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(nodes[0]!.alive).toBe(true);
    expect(nodes[0]!.eventsOf('member-left')).toEqual([]);
    const s = await status(nodes[0]!.port);
    expect(s.members.map((m) => `${m.id}:${m.state}`)).toEqual(['node-1:alive', 'node-2:alive', 'node-3:alive']);
    expect(s.members.filter((m) => (m as { dial?: string }).dial !== undefined)).toEqual([]);
  });

  it('a member list of 2,000 made-up members is refused whole: nobody learns one', async () => {
    for (const n of nodes) {
      const r = await request(n.port, 'POST', '/internal/heartbeat', fakeMembers(2000));
      expect(r.status).toBe(400);
      expect(r.json.error).toMatch(/lists 2000 members, over the limit of 256/);
    }
    for (const n of nodes) expect((await status(n.port)).members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3']);
  });
});
