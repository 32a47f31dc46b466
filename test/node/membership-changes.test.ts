import { afterEach, describe, expect, it } from 'vitest';
import { buildRing } from '../../node/ring.js';
import { FAST, Processes, freePort, put, request, status, waitFor, type NodeProcess } from './processes.js';
import { TcpLink } from './tcp-link.js';

/**
 * Members that come and go on real node processes: a fourth node joins through a seed, as the seed's
 * README starts node-2 and node-3; a member leaves for good (POST /cluster/leave), telling the others
 * first; every node tells its ring (GET|POST /cluster/ring); a member that joins later can be
 * reached through an address the harness gives (POST /cluster/dial).
 */
const procs = new Processes();
const links: TcpLink[] = [];

afterEach(async () => {
  await procs.killAll();
  await Promise.all(links.splice(0).map((l) => l.close()));
});

const ringOf = async (port: number, keys?: string[]) =>
  (keys ? await request(port, 'POST', '/cluster/ring', JSON.stringify({ keys })) : await request(port, 'GET', '/cluster/ring')).json as {
    id: string;
    members: string[];
    placements?: string[][];
  };

async function threeNodes(): Promise<{ nodes: NodeProcess[]; ports: number[] }> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = [await procs.start('node-1', ports[0]!, [...FAST])];
  nodes.push(...(await Promise.all([2, 3].map((n) => procs.start(`node-${n}`, ports[n - 1]!, [...FAST, '--seed', `127.0.0.1:${ports[0]}`])))));
  await waitFor(async () => (await Promise.all(ports.map((p) => ringOf(p)))).every((r) => r.members.length === 3), 5000, 'three members in every ring');
  return { nodes, ports };
}

const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);

describe('membership changes on real nodes', { timeout: 30_000 }, () => {
  it('every node tells the ring it routes by, and each key replica set on it, as the ring rules compute them', async () => {
    const { ports } = await threeNodes();
    const expected = buildRing(['node-1', 'node-2', 'node-3'], 64);
    for (const port of ports) {
      const ring = await ringOf(port, keys);
      expect(ring.members).toEqual(['node-1', 'node-2', 'node-3']);
      expect(ring.placements).toEqual(keys.map((k) => expected.walk(k, 3)));
    }
    expect((await request(ports[0]!, 'POST', '/cluster/ring', JSON.stringify({ keys: 'k1' }))).status).toBe(400);
    expect((await request(ports[0]!, 'DELETE', '/cluster/ring')).status).toBe(405);
  });

  it('a node joining through a seed enters every ring within a few heartbeats, with no data for the keys it now holds', async () => {
    const { ports } = await threeNodes();
    expect((await put(ports[0]!, 'alpha', 'first')).status).toBe(200);
    const port = await freePort();
    const joiner = await procs.start('node-4', port, [...FAST, '--seed', `127.0.0.1:${ports[1]}`]);
    const all = [...ports, port];
    await waitFor(async () => (await Promise.all(all.map((p) => ringOf(p)))).every((r) => r.members.length === 4), 3000, 'node-4 in every ring');
    expect(joiner.eventsOf('joined')[0]).toMatchObject({ seed: `127.0.0.1:${ports[1]}`, via: 'node-2' });
    // No hand-off: the joiner holds nothing, even for a key whose replica set it entered.
    expect((await status(port)).members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(((await status(port)) as unknown as { keys: number }).keys).toBe(0);
  });

  it('a member that leaves tells every other member first; they drop it from their rings at once and elect a new leader if it led', async () => {
    const { nodes, ports } = await threeNodes();
    await waitFor(async () => (await Promise.all(ports.map(status))).every((v) => v.leader === 'node-3'), 8000, 'node-3 leading');
    const leaver = nodes[2]!;
    const answer = await request(ports[2]!, 'POST', '/cluster/leave');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: 'node-3', left: true, missed: [] });
    expect([...answer.json.told].sort()).toEqual(['node-1', 'node-2']);
    expect(await leaver.exited).toEqual({ code: 0, signal: null });
    expect(leaver.eventsOf('left')).toHaveLength(1);
    expect(leaver.eventsOf('stopped')[0]).toMatchObject({ reason: 'left' });
    // Dropped at once: no suspect or dead mark, just the departure.
    for (const [i, port] of ports.slice(0, 2).entries()) {
      expect((await ringOf(port)).members).toEqual(['node-1', 'node-2']);
      // From the announcement, or from the other member that heard it first and passed it on in a heartbeat.
      expect(nodes[i]!.eventsOf('member-left')).toMatchObject([{ peer: 'node-3', via: expect.stringMatching(/^(its announcement|left list of node-[12])$/) }]);
    }
    await waitFor(async () => (await Promise.all(ports.slice(0, 2).map(status))).every((v) => v.leader === 'node-2'), 8000, 'node-2 to lead');
    await new Promise((r) => setTimeout(r, 1500)); // past suspect-after: nobody marks the leaver
    for (const n of nodes.slice(0, 2)) expect([...n.eventsOf('suspect'), ...n.eventsOf('dead')].filter((e) => e.peer === 'node-3')).toEqual([]);
  });

  it('a member that missed the announcement drops the leaver from the others\u2019 heartbeats; the id cannot join again', async () => {
    // node-3 reaches node-1 only through a link the test can cut, so node-3's announcement misses node-1.
    const ports = [await freePort(), await freePort(), await freePort()];
    const toNode1 = await TcpLink.open(ports[0]!);
    links.push(toNode1);
    const n1 = await procs.start('node-1', ports[0]!, [...FAST]);
    await procs.start('node-2', ports[1]!, [...FAST, '--seed', `127.0.0.1:${ports[0]}`]);
    await procs.start('node-3', ports[2]!, [...FAST, '--seed', `127.0.0.1:${toNode1.port}`, '--peer', `node-1=127.0.0.1:${toNode1.port}`]);
    await waitFor(async () => (await Promise.all(ports.map((p) => ringOf(p)))).every((r) => r.members.length === 3), 5000, 'three members in every ring');
    toNode1.cut();
    const answer = await request(ports[2]!, 'POST', '/cluster/leave');
    expect(answer.json).toMatchObject({ told: ['node-2'], missed: ['node-1'] });
    await waitFor(async () => (await ringOf(ports[0]!)).members.length === 2, 3000, 'node-1 to drop node-3');
    expect(n1.eventsOf('member-left')).toMatchObject([{ peer: 'node-3', via: 'left list of node-2' }]);
    // The same id cannot come back: its join is refused, and it stays out of every ring.
    const again = await procs.start('node-3', await freePort(), [...FAST, '--seed', `127.0.0.1:${ports[1]}`]);
    await waitFor(() => again.eventsOf('join-failed').length > 0, 3000, 'the join to be refused');
    expect(String(again.eventsOf('join-failed')[0]!['reason'])).toMatch(/left this cluster/);
    expect((await ringOf(ports[1]!)).members).toEqual(['node-1', 'node-2']);
  });

  it('POST /cluster/dial routes a member that joins later through the address given, as --peer does at start', async () => {
    const { ports } = await threeNodes();
    const port = await freePort();
    const link = await TcpLink.open(port);
    links.push(link);
    const dial = await request(ports[0]!, 'POST', '/cluster/dial', JSON.stringify({ id: 'node-4', addr: `127.0.0.1:${link.port}` }));
    expect(dial.json).toEqual({ id: 'node-4', dial: `127.0.0.1:${link.port}` });
    await procs.start('node-4', port, [...FAST, '--seed', `127.0.0.1:${ports[0]}`]);
    await waitFor(async () => (await status(ports[0]!)).members.some((m) => m.id === 'node-4' && m.state === 'alive'), 3000, 'node-1 to learn node-4');
    const seen = (await status(ports[0]!)).members.find((m) => m.id === 'node-4') as unknown as { addr: string; dial?: string };
    expect(seen).toMatchObject({ addr: `127.0.0.1:${port}`, dial: `127.0.0.1:${link.port}` });
    // Cut that link: node-1's replica requests to node-4 go nowhere else, so they time out.
    link.cut();
    const key = keys.find((k) => buildRing(['node-1', 'node-2', 'node-3', 'node-4'], 64).walk(k, 3).includes('node-4'))!;
    const written = await put(ports[0]!, key, 'v');
    expect(written.json.replicas).toContainEqual(expect.objectContaining({ node: 'node-4', ok: false }));
    expect(written.json.replicas.filter((r: { ok: boolean }) => r.ok)).toHaveLength(2);
    const bad = await request(ports[0]!, 'POST', '/cluster/dial', JSON.stringify({ id: 'node-4', addr: 'nowhere' }));
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/HOST:PORT/);
  });
});
