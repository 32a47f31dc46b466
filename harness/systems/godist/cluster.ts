/**
 * A cluster of nodes that speak the seed's HTTP API and dial each other at the addresses they are
 * given: one process per node on a free loopback port, every node-to-node link through a proxy the
 * harness owns (so the nemesis can cut or delay it), clients straight to the nodes. GoDist's own
 * nodes and any node launched by `--system command` start this way. Given a node's membership
 * routes, the cluster also grows and shrinks: a node joins through a running member with its links
 * through the proxies, and a member leaves for good.
 */
import { onCleanup } from '../../process/cleanup.js';
import { nodeProcesses, sleep, type ProcessCommand } from '../../process/node-processes.js';
import { freePorts } from '../../process/ports.js';
import { startProxies } from '../../proxy/mesh.js';
import type { Cluster, ClusterView, LaunchContext } from '../types.js';
import { answersHealth, fetchClusterView } from './view.js';

/** Where one node listens, whom it joins through, and how it reaches each peer (through the proxies). */
export interface NodeLaunch {
  id: string;
  host: string;
  port: number;
  /** The address to join through (already routed through the proxy for that link). */
  seed?: string;
  /** For each peer id, the address this node must dial to reach it. */
  peers: Record<string, string>;
  dataDir: string;
}

/** What the nodes offer for membership changes: without it, the cluster's members are fixed. */
export interface MembershipRoutes {
  /** Tell the node at `addr` to dial `via` to reach member `peer` from now on (a node that joins later). */
  dial(addr: string, peer: string, via: string): Promise<void>;
  /** Ask the node at `addr` to leave the cluster for good; it exits once it has told the others. */
  leave(addr: string): Promise<unknown>;
}

const HOST = '127.0.0.1';

export async function launchSeedApiCluster(ctx: LaunchContext, commandOf: (launch: NodeLaunch) => ProcessCommand, membership?: MembershipRoutes): Promise<Cluster> {
  // The members now: a node that joins is added once it serves, one that leaves is taken out first.
  const ids = [...ctx.ids];
  const ports = await freePorts(ids.length, HOST);
  const portOf: Record<string, number> = Object.fromEntries(ids.map((id, i) => [id, ports[i]!]));
  const addr = (id: string) => `${HOST}:${portOf[id]}`;
  const proxies = await startProxies(Object.fromEntries(ids.map((id) => [id, { host: HOST, port: portOf[id]! }])), { random: ctx.random });
  const forgetProxies = onCleanup(() => void proxies.close());

  const processes = nodeProcesses({
    ids,
    logFile: ctx.logFile,
    // A node answers once /health is 200, or, for a node without /health, once it shows its view.
    answers: async (id) => (await answersHealth(addr(id), 300)) || (await fetchClusterView(addr(id), 300)) !== undefined,
    command(id) {
      const peers: Record<string, string> = {};
      for (const other of ids) if (other !== id) peers[other] = proxies.linkAddress(id, other);
      // Every node but the first joins through the first; the first joins through the second, so a
      // restarted first node finds the cluster again without waiting to be heartbeated. A node that
      // is not yet a member joins through the first member running.
      const seedId = !ids.includes(id) ? ids.find((other) => processes.state(other) === 'running') : id === ids[0] ? ids[1] : ids[0];
      const launch: NodeLaunch = { id, host: HOST, port: portOf[id]!, peers, dataDir: ctx.dataDir(id) };
      if (seedId !== undefined && (id !== ids[0] || processes.state(seedId) === 'running')) launch.seed = proxies.linkAddress(id, seedId);
      return commandOf(launch);
    },
  });

  const views = async (timeoutMs: number): Promise<Map<string, ClusterView | undefined>> =>
    new Map(await Promise.all(ids.map(async (id) => [id, processes.state(id) === 'running' ? await fetchClusterView(addr(id), timeoutMs) : undefined] as const)));

  /**
   * Settled: every running node sees every member alive. A node without a view (it has no
   * /cluster/status) counts as settled once it answers.
   */
  async function waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const seen = await views(500);
      const lagging: string[] = [];
      for (const id of ids) {
        if (processes.state(id) !== 'running') continue;
        const view = seen.get(id);
        if (!view) {
          if (!(await answersHealth(addr(id), 500))) lagging.push(`${id} did not answer`);
          continue;
        }
        const notAlive = ids.filter((other) => view.members?.find((m) => m.id === other)?.state !== 'alive');
        if (notAlive.length > 0) lagging.push(`${id} does not see ${notAlive.join(', ')} alive`);
      }
      if (lagging.length === 0) return;
      last = lagging.join('; ');
      await sleep(50);
    }
    throw new Error(`cluster did not converge within ${timeoutMs} ms: ${last}`);
  }

  const addresses = Object.fromEntries(ids.map((id) => [id, addr(id)]));

  /** A fresh node: its port, its links both ways to every member, the members told to dial it through them; then it starts. */
  async function join(id: string, routes: MembershipRoutes): Promise<void> {
    if (id in portOf) throw new Error(`${id} has been a node of this run already: a joining node takes a new id`);
    portOf[id] = (await freePorts(1, HOST))[0]!;
    await proxies.addNode(id, { host: HOST, port: portOf[id] });
    const running = ids.filter((other) => processes.state(other) === 'running');
    // Told before the node exists, so no member ever dials it around the proxies.
    await Promise.all(running.map((other) => routes.dial(addr(other), id, proxies.linkAddress(other, id))));
    addresses[id] = addr(id);
    await processes.start(id);
    ids.push(id);
  }

  async function leave(id: string, routes: MembershipRoutes): Promise<void> {
    const at = ids.indexOf(id);
    if (at < 0) throw new Error(`${id} is not a member (members: ${ids.join(', ')})`);
    // Out of the members first, so no client picks it while it goes.
    ids.splice(at, 1);
    await processes.retire(id, () => routes.leave(addr(id)));
    await proxies.removeNode(id);
  }

  return {
    ids,
    addresses,
    state: processes.state,
    start: processes.start,
    kill: processes.kill,
    pause: processes.pause,
    resume: processes.resume,
    async startAll() {
      // The others join through the first node, so it must answer before they start.
      await processes.start(ids[0]!);
      await Promise.all(ids.slice(1).map((id) => processes.start(id)));
      await waitUntilReady(15_000);
    },
    waitUntilReady,
    links: proxies,
    ...(membership ? { join: (id: string) => join(id, membership), leave: (id: string) => leave(id, membership) } : {}),
    async stop() {
      await processes.stopAll();
      await proxies.close();
      forgetProxies();
    },
  };
}
