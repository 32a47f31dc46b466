/**
 * An etcd cluster as the harness drives any cluster (the seam's Cluster): the run's node ids are the
 * members' names, each member's log and data directory where the run puts them, its peer traffic
 * through the run's links. A kill then a start is a restart on the same data directory.
 */
import type { Cluster, LaunchContext } from '../types.js';
import { startEtcdCluster } from './cluster.js';
import type { EtcdRunSettings } from './settings.js';

/** How long a first start may take: members one after the other, then a leader and a read. */
const START_TIMEOUT_MS = 30_000;

export async function launchEtcd(ctx: LaunchContext, s: EtcdRunSettings): Promise<Cluster> {
  const etcd = await startEtcdCluster({ names: ctx.ids, dataDir: ctx.dataDir, logFile: ctx.logFile, settings: s, random: ctx.random });
  return {
    ids: ctx.ids,
    addresses: Object.fromEntries(ctx.ids.map((id) => [id, etcd.clientAddr(id)])),
    state: etcd.state,
    startAll: () => etcd.start(START_TIMEOUT_MS),
    start: etcd.restart,
    kill: etcd.kill,
    pause: etcd.pause,
    resume: etcd.resume,
    waitUntilReady: etcd.waitUntilReady,
    links: etcd.proxies,
    stop: etcd.stop,
  };
}
