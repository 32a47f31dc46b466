/**
 * Each member's own view of the cluster, from `/v3/maintenance/status`: whom it believes leads, in
 * which term, and how far its log goes. Sampled as godist's `/cluster/status` is, it feeds the election
 * check (two members leading in the same term is split brain; no member with a leader is a leaderless
 * interval). A member that does not answer in time has no view (undefined), as a godist node.
 *
 * Mind the term: etcd 3.4 reports the term of the last entry the member *applied*, not Raft's current
 * term. A candidate campaigning alone keeps reporting its old term, and a newly elected leader
 * reports its predecessor's term until the first entry of its own term is applied (a round trip, a
 * few ms), while the deposed leader may still believe it leads (until its election timeout runs
 * out). A sample taken in that window shows two leaders "in the same term" that Raft never had
 * (seen once in 4 leader isolations sampled every ~5 ms, docs/etcd.md): a split-brain finding
 * should hold in two consecutive samples.
 */
import { createGateway, int64, type Gateway } from './gateway.js';

export interface MemberView {
  /** The member that answered, by name (or its decimal id when the name is unknown). */
  member: string;
  /** Whom it believes leads, by name; null while it knows no leader (an election is on). */
  leader: string | null;
  /** The term of the last entry it applied (lags Raft's term: see above). */
  term: number;
  /** The last index of its Raft log. */
  raftIndex: number;
  /** The last index it applied to its store. */
  appliedIndex: number;
}

/** Decimal member id (as the JSON gateway writes it) → member name. */
export type MemberNames = ReadonlyMap<string, string>;

/** Pure: a status reply's body as a view; undefined when it is not one. */
export function viewOf(body: Record<string, unknown>, names: MemberNames): MemberView | undefined {
  const header = body['header'];
  if (typeof header !== 'object' || header === null) return undefined;
  const self = String((header as Record<string, unknown>)['member_id'] ?? '');
  if (self === '') return undefined;
  const leader = String(body['leader'] ?? '0');
  const name = (id: string) => names.get(id) ?? id;
  return {
    member: name(self),
    leader: leader === '0' ? null : name(leader),
    term: int64(body['raftTerm']),
    raftIndex: int64(body['raftIndex']),
    appliedIndex: int64(body['raftAppliedIndex']),
  };
}

export interface ViewSampler {
  /** This member's view, or undefined when it does not answer within timeoutMs. */
  view(addr: string, timeoutMs: number): Promise<MemberView | undefined>;
  close(): void;
}

export function createViewSampler(names: () => MemberNames, gateway: Gateway = createGateway({ maxSocketsPerMember: 2 })): ViewSampler {
  return {
    async view(addr, timeoutMs) {
      const reply = await gateway.post(addr, '/v3/maintenance/status', {}, timeoutMs);
      return reply.kind === 'response' && reply.status === 200 ? viewOf(reply.body, names()) : undefined;
    },
    close: () => gateway.close(),
  };
}

/** Pure: the member list's body as decimal id → name. */
export function namesOf(body: Record<string, unknown>): Map<string, string> {
  const members = Array.isArray(body['members']) ? (body['members'] as Record<string, unknown>[]) : [];
  return new Map(members.flatMap((m) => (typeof m['name'] === 'string' && m['ID'] !== undefined ? [[String(m['ID']), m['name']] as const] : [])));
}
