import { afterEach, describe, expect, it } from 'vitest';
import { FAST, Processes, freePort, get, put, status, waitFor, type NodeProcess } from './processes.js';
import { TcpLink } from './tcp-link.js';

/**
 * The seed's "Example run" with three real node processes, then the failure-handling behaviour
 * around it: suspect/dead, leader election, rejoin after restart, split brain under a partition.
 */
const procs = new Processes();
const links: TcpLink[] = [];

afterEach(async () => {
  await procs.killAll();
  await Promise.all(links.splice(0).map((l) => l.close()));
});

async function seedCluster(extra: string[] = [], convergeMs = 8000): Promise<{ nodes: NodeProcess[]; ports: number[] }> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = [await procs.start('node-1', ports[0]!, [...FAST, '-N', '3', '-R', '2', '-W', '2', ...extra])];
  nodes.push(...(await Promise.all([2, 3].map((n) => procs.start(`node-${n}`, ports[n - 1]!, [...FAST, '--seed', `127.0.0.1:${ports[0]}`, '-N', '3', '-R', '2', '-W', '2', ...extra])))));
  let views: Awaited<ReturnType<typeof status>>[] = [];
  await waitFor(async () => {
    views = await Promise.all(ports.map(status));
    return views.every((v) => v.members.length === 3 && v.members.every((m) => m.state === 'alive') && v.leader === 'node-3');
  }, convergeMs, 'three members alive and node-3 leading in every view').catch((e: Error) => {
    throw new Error(`${e.message}; last views: ${JSON.stringify(views.map((v) => ({ id: v.id, leader: v.leader, members: v.members.map((m) => `${m.id}:${m.state}`) })))}`);
  });
  return { nodes, ports };
}

describe("the seed's example run", () => {
  it('put on node-1, get from node-2, kill node-2, put through node-3, get from node-1; node-2 turns suspect then dead; node-3 leads', async () => {
    const { nodes, ports } = await seedCluster();
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];

    const first = await put(ports[0]!, 'alpha', 'first');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ key: 'alpha', value: 'first', version: 1, writer: 'node-1', coordinator: 'node-1' });
    expect(first.json.acks).toBeGreaterThanOrEqual(2);

    const read = await get(ports[1]!, 'alpha');
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ key: 'alpha', value: 'first', version: 1, coordinator: 'node-2', replies: 2 });

    n2.signal('SIGINT'); // Ctrl+C in its terminal
    expect(await n2.exited).toEqual({ code: 0, signal: null });
    expect(n2.eventsOf('stopped')).toHaveLength(1);

    const second = await put(ports[2]!, 'alpha', 'second');
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ value: 'second', version: 2, writer: 'node-3', acks: 2 });
    expect(second.json.replicas).toContainEqual(expect.objectContaining({ node: 'node-2', ok: false }));

    const again = await get(ports[0]!, 'alpha');
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ value: 'second', version: 2, writer: 'node-3' });

    await waitFor(async () => (await status(ports[0]!)).members.find((m) => m.id === 'node-2')?.state === 'dead', 5000, 'node-1 to mark node-2 dead');
    const suspect = n1.eventsOf('suspect').find((e) => e.peer === 'node-2');
    const dead = n1.eventsOf('dead').find((e) => e.peer === 'node-2');
    expect(suspect).toMatchObject({ node: 'node-1', from: 'alive', reason: expect.stringMatching(/no heartbeat for \d+ms/) });
    expect(dead).toMatchObject({ node: 'node-1', from: 'suspect' });
    expect(dead!.t).toBeGreaterThan(suspect!.t);
    expect(suspect!.silenceMs).toBeGreaterThanOrEqual(500);

    for (const p of [ports[0]!, ports[2]!]) expect((await status(p)).leader).toBe('node-3');
    expect(n3.eventsOf('leader-elected')).toContainEqual(expect.objectContaining({ leader: 'node-3', self: true }));
    expect(n1.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 'node-3', self: false });

    // With node-2 dead, the sloppy replica set of alpha is the two live nodes; a third write still lands.
    await waitFor(async () => (await status(ports[2]!)).members.find((m) => m.id === 'node-2')?.state === 'dead', 5000, 'node-3 to mark node-2 dead');
    const third = await put(ports[2]!, 'alpha', 'third');
    expect(third.json.replicaSet.sort()).toEqual(['node-1', 'node-3']);
    expect(third.status).toBe(200);
  });

  it('the status names every member with its state and last-heard age, and the settings', async () => {
    const { ports } = await seedCluster();
    const s = await status(ports[1]!);
    expect(s).toMatchObject({ id: 'node-2', addr: `127.0.0.1:${ports[1]}`, leader: 'node-3' });
    expect(s.members.map((m) => m.id)).toEqual(['node-1', 'node-2', 'node-3']);
    // An age in whole milliseconds (0 for itself), not a timestamp; how small depends on the machine's load.
    for (const m of s.members) {
      expect(Number.isInteger(m.lastHeardMs) && m.lastHeardMs >= 0 && m.lastHeardMs < 60_000, `${m.id}: ${m.lastHeardMs}`).toBe(true);
    }
    expect(s.members.find((m) => m.id === 'node-2')!.lastHeardMs).toBe(0);
    expect(s.config).toMatchObject({ N: 3, R: 2, W: 2, quorum: 'sloppy', readRepair: 'async', durable: false, chaos: false, vnodes: 64, heartbeatMs: 100, suspectAfterMs: 500, deadAfterMs: 1200, requestTimeoutMs: 300 });
  });

  it('when the leader dies the next highest id takes over, and a put needing W = 2 of one live node fails with 503', async () => {
    const { nodes, ports } = await seedCluster();
    await nodes[2]!.killHard();
    await waitFor(async () => (await status(ports[0]!)).leader === 'node-2' && (await status(ports[1]!)).leader === 'node-2', 6000, 'node-2 to lead');
    const reasons = [...nodes[0]!.eventsOf('election-started'), ...nodes[1]!.eventsOf('election-started')].map((e) => String(e.reason));
    expect(reasons.some((r) => /leader node-3 is (suspect|dead)/.test(r)), reasons.join(' | ')).toBe(true);
    expect(nodes[1]!.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 'node-2', self: true });

    await nodes[1]!.killHard();
    await waitFor(async () => (await status(ports[0]!)).members.filter((m) => m.state === 'dead').length === 2, 6000, 'node-1 alone');
    const r = await put(ports[0]!, 'k', 'v');
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({ needed: 2, replicaSet: ['node-1'] });
  });

  it('a node killed and restarted knowing nobody relearns the whole membership from heartbeats', async () => {
    const { nodes, ports } = await seedCluster();
    await nodes[1]!.killHard();
    const back = await procs.start('node-2', ports[1]!, [...FAST]); // no --seed, no --peer
    await waitFor(async () => {
      const s = await status(ports[1]!);
      return s.members.length === 3 && s.members.every((m) => m.state === 'alive') && s.leader === 'node-3';
    }, 5000, 'the restarted node-2 to know everyone');
    expect(back.eventsOf('member-joined').map((e) => e.peer).sort()).toEqual(['node-1', 'node-3']);
    await waitFor(async () => (await status(ports[0]!)).members.every((m) => m.state === 'alive'), 5000, 'node-1 to see node-2 alive again');
  });

  it('a partition splits the brain, each side logs its own leader, and healing reunites it', async () => {
    const ids = ['node-1', 'node-2', 'node-3'];
    const ports = [await freePort(), await freePort(), await freePort()];
    // One link per direction: link[i][j] is what node i dials to reach node j.
    const link: TcpLink[][] = [];
    for (let i = 0; i < 3; i++) {
      link.push([]);
      for (let j = 0; j < 3; j++) {
        const l = i === j ? undefined : await TcpLink.open(ports[j]!);
        if (l) links.push(l);
        link[i]!.push(l!);
      }
    }
    const nodes = await Promise.all(
      ids.map((id, i) =>
        procs.start(id, ports[i]!, [
          ...FAST,
          ...(i === 0 ? [] : ['--seed', link[i]![0]!.addr]),
          ...ids.flatMap((peer, j) => (i === j ? [] : ['--peer', `${peer}=${link[i]![j]!.addr}`])),
        ]),
      ),
    );
    await waitFor(async () => (await Promise.all(ports.map(status))).every((s) => s.leader === 'node-3' && s.members.every((m) => m.state === 'alive')), 8000, 'one leader, node-3');

    for (const [a, b] of [[0, 2], [2, 0], [1, 2], [2, 1]] as const) link[a]![b]!.cut();
    await waitFor(async () => (await status(ports[0]!)).leader === 'node-2' && (await status(ports[1]!)).leader === 'node-2', 8000, 'the majority side to elect node-2');
    expect((await status(ports[2]!)).leader).toBe('node-3'); // the other side still follows itself: split brain
    expect(nodes[1]!.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 'node-2', self: true });
    expect(nodes[2]!.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 'node-3', self: true });
    await waitFor(async () => (await status(ports[2]!)).members.filter((m) => m.state === 'dead').length === 2, 5000, 'node-3 to see the others dead');
    // Both sides' detectors run on their own clocks: wait for node-1's too, so the heal below finds it dead.
    await waitFor(async () => (await status(ports[0]!)).members.find((m) => m.id === 'node-3')?.state === 'dead', 5000, 'node-1 to see node-3 dead');
    // The majority side still takes writes (sloppy: its replica sets skip node-3).
    expect((await put(ports[0]!, 'during', 'split')).status).toBe(200);

    for (const row of link) for (const l of row) l?.heal();
    await waitFor(async () => (await Promise.all(ports.map(status))).every((s) => s.leader === 'node-3' && s.members.every((m) => m.state === 'alive')), 8000, 'everyone to follow node-3 again');
    expect(nodes[0]!.eventsOf('alive').some((e) => e.peer === 'node-3' && e.from === 'dead')).toBe(true);
  });

  it('with --chaos (20% of node-to-node requests dropped, 1-20 ms delays) every answer is still a JSON 200, 404 or 503 with a trace', async () => {
    // Later flags win: slower failure detection so that a loaded test machine plus 20% drops does not flap.
    const { nodes, ports } = await seedCluster(['--chaos-drop', '0.2', '--chaos-delay-ms', '1-20', '--suspect-after-ms', '1500', '--dead-after-ms', '4000', '--request-timeout-ms', '400'], 20_000);
    expect((await status(ports[0]!)).config).toMatchObject({ chaos: true });
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = i % 2 === 0 ? await put(ports[i % 3]!, `k${i % 5}`, `v${i}`) : await get(ports[i % 3]!, `k${i % 5}`);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect([200, 404, 503]).toContain(r.status);
        expect(r.json.coordinator).toBe(`node-${(i % 3) + 1}`);
        expect(Array.isArray(r.json.replicas)).toBe(true);
      }),
    );
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.alive).toBe(true);
      expect(n.eventsOf('failed')).toEqual([]);
    }
  });
});
