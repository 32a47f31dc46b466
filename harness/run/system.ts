/**
 * The system a run drives: one node process per id on a free loopback port, every node-to-node
 * link through a proxy the harness owns (so the nemesis can cut or delay it), clients straight to
 * the nodes. `godist run` and bench:harness start it the same way.
 */
import { onCleanup } from '../process/cleanup.js';
import { createCluster, type Cluster } from '../process/node-processes.js';
import { freePorts } from '../process/ports.js';
import { startProxies, type Proxies } from '../proxy/mesh.js';
import { nodeIds, type RunSettings } from './settings.js';
import type { SystemUnderTest } from '../systems/types.js';

export interface SystemOptions {
  sut: SystemUnderTest;
  /** `settings.nodes` nodes are started, with the settings' flags. */
  settings: RunSettings;
  /** Where each node's log goes (`<id>.log`). */
  logDir: string;
  /** Per-node data directory when nodes are durable. */
  dataDir?: (id: string) => string;
  /** Uniform in [0, 1), for the links' delay jitter (default Math.random). */
  random?: () => number;
}

export interface System {
  ids: string[];
  /** Each node's own address, `host:port`: what clients dial, and what run.json records. */
  addresses: Record<string, string>;
  cluster: Cluster;
  proxies: Proxies;
  /** Starts every node and resolves once each sees every member alive. */
  start(): Promise<void>;
  /** Stops every node, then the proxies. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Picks the ports and starts the proxies; no node runs until `start()`. */
export async function createSystem(o: SystemOptions): Promise<System> {
  const ids = nodeIds(o.settings.nodes);
  const ports = await freePorts(ids.length, HOST);
  const portOf = Object.fromEntries(ids.map((id, i) => [id, ports[i]!]));
  const proxies = await startProxies(
    Object.fromEntries(ids.map((id) => [id, { host: HOST, port: portOf[id]! }])),
    o.random ? { random: o.random } : {},
  );
  const forgetProxies = onCleanup(() => void proxies.close());
  const cluster = createCluster({
    sut: o.sut,
    settings: o.settings,
    host: HOST,
    ports: portOf,
    route: (from, to) => proxies.linkAddress(from, to),
    logDir: o.logDir,
    ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  });
  return {
    ids,
    addresses: Object.fromEntries(ids.map((id) => [id, cluster.addr(id)])),
    cluster,
    proxies,
    async start() {
      // The others join through the first node, so it must answer before they start.
      await cluster.start(ids[0]!);
      await Promise.all(ids.slice(1).map((id) => cluster.start(id)));
      await cluster.waitUntilConverged(15_000);
    },
    async stop() {
      await cluster.stopAll();
      await proxies.close();
      forgetProxies();
    },
  };
}
