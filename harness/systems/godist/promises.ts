import type { Promised, PromiseTable } from '../../checks/result.js';
import type { HarnessSettings } from '../../run/settings.js';
import type { DetectorTimings } from '../types.js';
import type { GodistSettings } from './settings.js';
import { nodeTimings } from './timings.js';

/**
 * The guarantees the settings make (README "What the settings promise"). A promise is made only
 * where the protocol argument holds: a fixed replica set (strict, and no member joining or
 * leaving: GoDist hands no data over), overlapping quorums (R + W > N), replicas that do not forget
 * (durable, or no kills), and for linearizability the ABD write-back before a read answers (read
 * repair sync), which rules out new-old inversion.
 */
export function godistPromises(s: GodistSettings, h: Pick<HarnessSettings, 'nemesis'>): Required<Pick<PromiseTable, 'linearizable' | 'stale-reads' | 'lost-writes' | 'election' | 'failure-detector'>> {
  const overlap = s.R + s.W > s.N;
  const forgets = h.nemesis.includes('kill') && !s.durable;
  let freshness: Promised;
  if (!overlap) {
    freshness = { promised: false, reason: `R + W = ${s.R + s.W} ≤ N = ${s.N}: a read quorum need not overlap the last write quorum` };
  } else if (h.nemesis.includes('membership')) {
    freshness = {
      promised: false,
      reason:
        'membership changes, whatever the quorum mode: a node that joins takes its place in replica sets with no copy of their keys, and one that leaves takes its copies with it (no hand-off, no anti-entropy), so a read quorum of the new replica set need not overlap the write quorum of the old one',
    };
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
      reason: `strict quorums with R + W = ${s.R + s.W} > N = ${s.N}${h.nemesis.includes('kill') ? ' on durable nodes' : ''}: every read quorum overlaps every acknowledged write`,
    };
  }
  const linearizable: Promised = !freshness.promised
    ? freshness
    : s.readRepair === 'sync'
      ? { promised: true, reason: `${freshness.reason}, and reads write back before answering (ABD)` }
      : {
          promised: false,
          reason: `read repair ${s.readRepair}: a read can return a value a later read does not see yet (new-old inversion)`,
        };
  return {
    linearizable,
    'stale-reads': freshness,
    'lost-writes': freshness,
    election: electionPromise(h),
    'failure-detector': failureDetectorPromise(s, h, nodeTimings(s.nodeArgs)),
  };
}

/** Bully keeps one leader once settled, with no faults; under faults it splits or goes leaderless by design. */
function electionPromise(h: Pick<HarnessSettings, 'nemesis'>): Promised {
  if (h.nemesis.length === 0) {
    return {
      promised: true,
      reason:
        'no faults: once settled (a run starts from a settled election), the Bully election keeps exactly one leader, so two leaders or none is a finding, unless a node did not run in time on a busy machine (listed, not failed)',
    };
  }
  const why: string[] = [];
  if (h.nemesis.includes('partition')) why.push('under partitions each side elects its own leader (split brain: Bully is not consensus), and a side without the leader has none until it elects one');
  if (h.nemesis.includes('pause')) why.push('a paused leader leaves the cluster leaderless until the others elect a new one, and still believes it leads when it resumes, until the Bully handover');
  if (h.nemesis.includes('kill')) why.push('a killed leader leaves the cluster leaderless until the others suspect it and elect a new one');
  if (h.nemesis.includes('delay')) why.push('delayed links can make a node suspect the leader and elect itself');
  if (h.nemesis.includes('membership')) why.push('a node that joins ranking above the leader takes over (Bully: the highest id leads), and a leader that leaves leaves the others leaderless until they elect one');
  return { promised: false, reason: `expected under these faults: ${why.join('; ')}` };
}

/**
 * The promise: with no faults, no chaos and timings no tighter than the defaults, a node never
 * suspects a peer it can hear. Marks made while the machine did not run a node in time (it logged
 * a stall, or left the harness's requests unanswered) are listed and do not break it: on a loaded
 * two-core box a process can be starved for a second, and the detector is then right not to hear.
 */
function failureDetectorPromise(s: GodistSettings, h: Pick<HarnessSettings, 'nemesis'>, t: DetectorTimings): Promised {
  const tight = t.suspectAfterMs < 1000 || t.suspectAfterMs < 5 * t.heartbeatMs;
  const timing = `suspect after ${t.suspectAfterMs} ms of silence, heartbeats every ${t.heartbeatMs} ms`;
  if (h.nemesis.length === 0 && !s.chaos && !tight) {
    return {
      promised: true,
      reason: `no faults, no chaos, ${timing}: a node never suspects a peer it can hear, so a false suspicion is a finding, unless the machine did not run a node in time (listed, not failed)`,
    };
  }
  const why: string[] = [];
  if (h.nemesis.includes('pause')) why.push("a node paused for less than suspect-after counts its own pause as its peers' silence (a longer stall it forgives once)");
  if (h.nemesis.includes('delay')) why.push('delayed heartbeats arrive late, not never');
  if (h.nemesis.includes('partition')) why.push('a one-way cut still lets heartbeats through one way');
  if (h.nemesis.includes('membership')) why.push('membership changes start and stop node processes, and a member that missed a leave\'s announcement suspects the leaver until the news reaches it (rightly: it is gone)');
  if (s.chaos) why.push('chaos mode drops heartbeats');
  if (tight) why.push(`${timing} leaves little slack for a busy process`);
  if (why.length === 0) why.push('faults disturb the nodes');
  return { promised: false, reason: `failure detection is not truth (a timeout only means "I did not hear back in time"): ${why.join('; ')}` };
}
