/**
 * The command line of one etcd member. Pure: the harness decides the ports and directories, this
 * turns them into flags.
 *
 * Every member listens for peers on its own port but advertises its *front* (a port of the
 * harness's, `harness/proxy/front.ts`), so every byte of Raft traffic passes the harness's links.
 * Clients dial the member's client port directly.
 */
import type { EtcdSettings } from './settings.js';

export interface MemberPlan {
  name: string;
  /** `host:port` the member serves clients on (and the JSON gateway). */
  client: string;
  /** `host:port` the member really listens on for peers. */
  peer: string;
  /** `host:port` the member advertises to its peers: its front. */
  advertisedPeer: string;
  dataDir: string;
}

export interface ClusterPlan {
  members: readonly MemberPlan[];
  /** Unique per cluster, so a stray member of another cluster is refused (cluster-id mismatch). */
  token: string;
}

/** `new` for the first start; `existing` for a restart on the member's data directory. */
export type ClusterState = 'new' | 'existing';

export function memberArgs(member: MemberPlan, cluster: ClusterPlan, settings: EtcdSettings, state: ClusterState): string[] {
  const url = (addr: string) => `http://${addr}`;
  const args = [
    '--name', member.name,
    '--data-dir', member.dataDir,
    '--listen-client-urls', url(member.client),
    '--advertise-client-urls', url(member.client),
    '--listen-peer-urls', url(member.peer),
    '--initial-advertise-peer-urls', url(member.advertisedPeer),
    '--initial-cluster', cluster.members.map((m) => `${m.name}=${url(m.advertisedPeer)}`).join(','),
    '--initial-cluster-state', state,
    '--initial-cluster-token', cluster.token,
    '--heartbeat-interval', String(settings.heartbeatMs),
    '--election-timeout', String(settings.electionMs),
    '--snapshot-count', String(settings.snapshotCount),
    // zap: one JSON object a line, as our own logs. To stderr, which the harness appends to the
    // member's log file: a Go panic lands in the same file, in order.
    '--logger', 'zap',
    '--log-outputs', 'stderr',
  ];
  if (settings.preVote) args.push('--pre-vote');
  return args;
}
