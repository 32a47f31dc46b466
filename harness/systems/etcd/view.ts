/**
 * A member's own view as the cluster sampler asks for it: the seam's `view(addr, timeoutMs)`, which
 * knows only the member's client address. etcd's status names members by their 64-bit ids; the
 * names the harness gave them (node-1, …) come from the member list, asked once per cluster (keyed
 * by the cluster id every reply carries, so two runs in one process never mix their members up).
 */
import type { ClusterView } from '../types.js';
import { namesOf, viewOf, type MemberNames } from './cluster-view.js';
import { createGateway } from './gateway.js';

const gateway = createGateway({ maxSocketsPerMember: 2 });
const namesByCluster = new Map<string, MemberNames>();

export async function fetchEtcdView(addr: string, timeoutMs: number): Promise<ClusterView | undefined> {
  const deadline = Date.now() + timeoutMs;
  const reply = await gateway.post(addr, '/v3/maintenance/status', {}, timeoutMs);
  if (reply.kind !== 'response' || reply.status !== 200) return undefined;
  const header = (reply.body['header'] ?? {}) as Record<string, unknown>;
  const cluster = String(header['cluster_id'] ?? '');
  let names = namesByCluster.get(cluster);
  const self = String(header['member_id'] ?? '');
  const leader = String(reply.body['leader'] ?? '0');
  if (!names || !names.has(self) || (leader !== '0' && !names.has(leader))) {
    const list = await gateway.post(addr, '/v3/cluster/member/list', {}, Math.max(50, deadline - Date.now()));
    if (list.kind !== 'response' || list.status !== 200) return undefined;
    names = namesOf(list.body);
    namesByCluster.set(cluster, names);
  }
  const view = viewOf(reply.body, names);
  return view ? { id: view.member, leader: view.leader, term: view.term } : undefined;
}
