/**
 * How far ownership moved when the membership changed, measured on the members' own rings: for a
 * fixed set of probe keys, the share whose owner changed and the share whose replica set changed,
 * beside what consistent hashing promises at best (a join to n members moves about 1/n of the
 * owners) and what a naive `hash mod n` placement would have moved (most of them). Pure.
 */
import { hash32 } from '../../node/ring.js';

/** Per probe key, in the order of `probeKeys`: its replica set, owner first. */
export type Placement = readonly (readonly string[])[];

/** One moment of the cluster's ring, as its members told it. */
export interface RingSnapshot {
  /** ns since the run began, when the members were asked. */
  time: number;
  /** The members the ring is built over (the most common answer). */
  members: string[];
  /** The probe keys' replica sets on that ring. */
  placements: string[][];
  /** Members asked, members that answered, and how many different placements they gave (1: one ring). */
  asked: number;
  answered: number;
  rings: number;
}

/** What the harness saw around one membership change. */
export interface OwnershipObservation {
  change: { f: 'join' | 'leave'; node: string; time: number };
  /** Probe keys asked about: probeKeys(keys). */
  keys: number;
  before: RingSnapshot;
  /** Once the members agreed (or the time allowed ran out); null when no member answered. */
  after: RingSnapshot | null;
  /** ns from the change's record until every member routed by the same members; null: not within the time allowed. */
  agreedNs: number | null;
  /** How often the members were asked while they settled (ms): the resolution of agreedNs. */
  pollMs: number;
}

/** Shares (0–1) of the probe keys: whose owner moved, and whose replica set (as a set) changed. */
export interface Movement {
  owner: number;
  replicas: number;
}

/** One change, in figures: what moved, what consistent hashing would move at best, what mod-n would move. */
export interface OwnershipChange {
  f: 'join' | 'leave';
  node: string;
  /** Seconds since the run began. */
  atS: number;
  membersBefore: string[];
  membersAfter: string[];
  keys: number;
  measured: Movement;
  ideal: Movement;
  modN: Movement;
  /** Of the keys whose owner moved, the share that moved to the node that joined (or from the one that left): 1 for consistent hashing. */
  ownerMovesOfNode: number | null;
  /** ms from the change until every member routed by the same members; null: they did not within the time allowed. */
  agreedMs: number | null;
  pollMs: number;
  /** Different placements the members gave once settled: 1 is one ring. */
  ringsAfter: number;
}

/** The probe keys: the same names in every run, so that runs compare. */
export function probeKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `probe-${i}`);
}

/** The share of keys whose owner changed, and whose replica set (as a set) changed. */
export function moved(before: Placement, after: Placement): Movement {
  const n = Math.min(before.length, after.length);
  if (n === 0) return { owner: 0, replicas: 0 };
  let owner = 0;
  let replicasMoved = 0;
  for (let i = 0; i < n; i++) {
    const b = before[i]!;
    const a = after[i]!;
    if (b[0] !== a[0]) owner++;
    if (b.length !== a.length || b.some((m) => !a.includes(m))) replicasMoved++;
  }
  return { owner: owner / n, replicas: replicasMoved / n };
}

/**
 * What consistent hashing moves at best when the members go from `before` to `after` in number
 * (one change: a member more or less): the owner of 1/n of the keys, n the larger count, and a place
 * in the replica sets of `replicas`/n of them (every set when there are no more members than replicas).
 */
export function idealMoved(before: number, after: number, replicas: number): Movement {
  const n = Math.max(before, after);
  if (n === 0) return { owner: 0, replicas: 0 };
  const changed = Math.abs(after - before);
  return { owner: Math.min(1, changed / n), replicas: Math.min(1, (changed * replicas) / n) };
}

/** The naive placement: key k on member hash(k) mod n of the sorted members, and its replicas on the next ones. */
export function modNPlacement(keys: readonly string[], members: readonly string[], replicas: number): string[][] {
  const sorted = [...members].sort();
  const n = sorted.length;
  if (n === 0) return keys.map(() => []);
  const r = Math.min(replicas, n);
  return keys.map((k) => {
    const first = hash32(k) % n;
    return Array.from({ length: r }, (_, i) => sorted[(first + i) % n]!);
  });
}

/** The figures of each change the harness observed. */
export function ownershipChanges(observations: readonly OwnershipObservation[]): OwnershipChange[] {
  return observations.map((o) => {
    const after = o.after ?? o.before;
    const keys = probeKeys(o.keys);
    const replicas = Math.max(0, ...o.before.placements.map((p) => p.length), ...after.placements.map((p) => p.length));
    const ownerMoves = o.before.placements.flatMap((b, i) => (b[0] !== after.placements[i]?.[0] ? [[b[0], after.placements[i]?.[0]] as const] : []));
    const ofNode = ownerMoves.filter(([from, to]) => (o.change.f === 'join' ? to === o.change.node : from === o.change.node)).length;
    return {
      f: o.change.f,
      node: o.change.node,
      atS: round(o.change.time / 1e9, 3),
      membersBefore: o.before.members,
      membersAfter: after.members,
      keys: o.keys,
      measured: rounded(moved(o.before.placements, after.placements)),
      ideal: rounded(idealMoved(o.before.members.length, after.members.length, replicas)),
      modN: rounded(moved(modNPlacement(keys, o.before.members, replicas), modNPlacement(keys, after.members, replicas))),
      ownerMovesOfNode: ownerMoves.length > 0 ? round(ofNode / ownerMoves.length, 4) : null,
      agreedMs: o.agreedNs === null ? null : round(o.agreedNs / 1e6, 1),
      pollMs: o.pollMs,
      ringsAfter: o.after?.rings ?? 0,
    };
  });
}

/** One line for the checks table: the changes, and how the measured movement compares. */
export function ownershipSummary(changes: readonly OwnershipChange[]): string {
  if (changes.length === 0) return 'no membership change was measured';
  const mean = (f: (c: OwnershipChange) => number) => changes.reduce((s, c) => s + f(c), 0) / changes.length;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const agreed = changes.flatMap((c) => (c.agreedMs === null ? [] : [c.agreedMs]));
  const unagreed = changes.length - agreed.length;
  return (
    `${changes.length} membership change${changes.length === 1 ? '' : 's'}: owners of ${pct(mean((c) => c.measured.owner))} of the keys moved per change ` +
    `(consistent hashing at best ${pct(mean((c) => c.ideal.owner))}, hash mod n ${pct(mean((c) => c.modN.owner))}); ` +
    `replica sets of ${pct(mean((c) => c.measured.replicas))} (at best ${pct(mean((c) => c.ideal.replicas))}, mod n ${pct(mean((c) => c.modN.replicas))}); ` +
    (agreed.length > 0 ? `the members agreed on the new ring within ${Math.max(...agreed)} ms` : 'the members never agreed on a new ring') +
    (unagreed > 0 && agreed.length > 0 ? ` (${unagreed} change${unagreed === 1 ? '' : 's'}: not within the time allowed)` : '')
  );
}

function rounded(m: Movement): Movement {
  return { owner: round(m.owner, 4), replicas: round(m.replicas, 4) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
