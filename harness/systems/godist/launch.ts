/** GoDist nodes started from this package's own build, one process each, behind the harness's proxies. */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { nodeMain } from '../../shared/paths.js';
import type { Cluster, LaunchContext } from '../types.js';
import { launchSeedApiCluster } from './cluster.js';
import { askToLeave, dialVia } from './membership.js';
import type { GodistSettings } from './settings.js';

export function launchGodist(ctx: LaunchContext, s: GodistSettings): Promise<Cluster> {
  // One secret per run, handed over in the environment (a flag would show in ps): only the run's
  // own nodes may use each other's internal routes. Never written to the run folder.
  const secret = randomBytes(16).toString('hex');
  return launchSeedApiCluster(ctx, (launch) => {
    const args = [
      nodeMain,
      '--id', launch.id,
      '--addr', `${launch.host}:${launch.port}`,
      '-N', String(s.N),
      '-R', String(s.R),
      '-W', String(s.W),
      '--quorum', s.quorum,
      '--read-repair', s.readRepair,
      '--exit-with-parent',
    ];
    if (launch.seed) args.push('--seed', launch.seed);
    for (const [id, addr] of Object.entries(launch.peers)) args.push('--peer', `${id}=${addr}`);
    if (s.durable) {
      mkdirSync(launch.dataDir, { recursive: true });
      args.push('--data-dir', launch.dataDir);
    }
    if (s.chaos) args.push('--chaos');
    args.push(...s.nodeArgs);
    return { file: process.execPath, args, env: { GODIST_CLUSTER_SECRET: secret } };
  }, {
    // The nodes hold the run's secret, so the membership routes that change them need it too.
    dial: (addr, peer, via) => dialVia(addr, peer, via, secret),
    leave: (addr) => askToLeave(addr, secret),
  });
}
