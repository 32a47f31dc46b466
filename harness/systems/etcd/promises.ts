/**
 * What etcd promises (README "What the settings promise"), by read mode. Writes and compare-and-sets
 * always go through Raft: committed on a majority, each of which fsynced it to its write-ahead log,
 * before the member answers. Reads differ: a linearizable read waits until the leader has confirmed
 * with a majority that it still leads (ReadIndex) and the member has applied up to that point; a
 * serializable read is answered from the member's own applied state at once.
 *
 * The failure-detector check has no entry: etcd has no failure detector of its own to judge (the
 * system's `notApplicable` says why).
 */
import type { Promised, PromiseTable } from '../types.js';
import type { HarnessSettings } from '../../run/settings.js';
import type { EtcdRunSettings } from './settings.js';

const RAFT_WRITES = 'every write and cas commits on a majority, each member fsyncing its log first, before it is acknowledged';

export function etcdPromises(s: EtcdRunSettings, h: Pick<HarnessSettings, 'nemesis'>): PromiseTable {
  const kills = h.nemesis.includes('kill') ? ', and a killed member restarts from its log with everything it acknowledged' : '';
  const lostWrites: Promised = {
    promised: true,
    reason: `Raft: ${RAFT_WRITES}; any majority a later read goes through holds it${kills}`,
  };
  const election: Promised = {
    promised: true,
    reason:
      "Raft's election safety: a member leads a term only with a majority's votes, and each member votes once per term, so at most one leader per term under any faults. " +
      'Two members believing they lead in different terms is not split brain (the older one was deposed and cannot commit); leaderless intervals are elections, timed but not judged',
  };
  if (s.reads === 'linearizable') {
    const fresh: Promised = {
      promised: true,
      reason: `Raft with linearizable reads: ${RAFT_WRITES}, and a read is answered only once the leader has confirmed with a majority that it still leads (ReadIndex) and the member has applied that far${kills}`,
    };
    return { linearizable: fresh, 'stale-reads': fresh, 'lost-writes': lostWrites, election };
  }
  const why = [
    'a serializable read is answered from the member\'s own applied state without asking the leader, and a follower applies a write only once the leader has told it the write committed (its next append or heartbeat), so even without faults it can trail an acknowledged write',
    ...(h.nemesis.includes('partition') ? ['a member cut off from the leader by a partition answers from a state that stops moving for as long as the cut lasts, while the majority acknowledges new writes'] : []),
    ...(h.nemesis.includes('pause')
      ? ['a paused member answers the reads queued while it was stopped from its old state as soon as it resumes, before the leader has caught it up (and a paused leader, resumed, still believes it leads until it hears of its successor)']
      : []),
  ];
  const stale: Promised = { promised: false, reason: `serializable reads: ${why.join('; ')}` };
  return { linearizable: stale, 'stale-reads': stale, 'lost-writes': lostWrites, election };
}

/** Why the failure-detector check does not apply to etcd. */
export const NO_FAILURE_DETECTOR =
  "etcd has no failure detector whose marks could be judged: a member's only notion of a peer being down is Raft's election timeout (which the election check sees), and its \"peer became inactive\" log lines follow its TCP streams, not a judgement it acts on";
