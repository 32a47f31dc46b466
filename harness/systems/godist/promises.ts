import type { CheckName, RunSettings } from '../../run/settings.js';

/** What a check may hold a run to, and the sentence that says why. */
export interface Promise_ {
  promised: boolean;
  reason: string;
}

export type Promises = Record<CheckName, Promise_>;

/**
 * The guarantees the settings make (README "What the settings promise"). A promise is made only
 * where the protocol argument holds: a fixed replica set (strict), overlapping quorums (R + W > N),
 * replicas that do not forget (durable, or no kills), and for linearizability the ABD write-back
 * before a read answers (read repair sync), which rules out new-old inversion.
 */
export function promisesOf(s: Pick<RunSettings, 'N' | 'R' | 'W' | 'quorum' | 'readRepair' | 'durable' | 'nemesis'>): Promises {
  const overlap = s.R + s.W > s.N;
  const forgets = s.nemesis.includes('kill') && !s.durable;
  let freshness: Promise_;
  if (!overlap) {
    freshness = { promised: false, reason: `R + W = ${s.R + s.W} ≤ N = ${s.N}: a read quorum need not overlap the last write quorum` };
  } else if (s.quorum !== 'strict') {
    freshness = {
      promised: false,
      reason: 'sloppy quorums: a replica marked dead leaves the replica set, so a read can ask replicas the write never reached',
    };
  } else if (forgets) {
    freshness = {
      promised: false,
      reason: 'in-memory nodes under kills: a restarted replica has forgotten writes it acknowledged, so quorums can miss them',
    };
  } else {
    freshness = {
      promised: true,
      reason: `strict quorums with R + W = ${s.R + s.W} > N = ${s.N}${s.nemesis.includes('kill') ? ' on durable nodes' : ''}: every read quorum overlaps every acknowledged write`,
    };
  }
  const linearizable: Promise_ = !freshness.promised
    ? freshness
    : s.readRepair === 'sync'
      ? { promised: true, reason: `${freshness.reason}, and reads write back before answering (ABD)` }
      : {
          promised: false,
          reason: `read repair ${s.readRepair}: a read can return a value a later read does not see yet (new-old inversion)`,
        };
  return { linearizable, 'stale-reads': freshness, 'lost-writes': freshness };
}
