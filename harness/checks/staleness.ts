import { indexWrites } from './stale-reads.js';
import type { OpPair } from '../history/pairs.js';
import { firstWhere, lowerBound, upperBound } from '../shared/sorted.js';
import { oncePer } from '../shared/once-per.js';

/**
 * Staleness as PBS measures it (Bailis et al., "Probabilistically Bounded Staleness for Practical
 * Partial Quorums", VLDB 2012), from a history and nothing else. Pure.
 *
 * Which write a read saw: values are unique per key, so the value a read returned names the write
 * that wrote it (of any outcome: a write whose client timed out may still have landed).
 *
 * "w or newer" — a read r that returned the value of write s saw write w, or something newer, when
 * s is w or s did not finish before w began (s.end ≥ w.start). That is: only a write that certainly
 * preceded w in real time counts as older; a write concurrent with w, or after it, or of unknown
 * outcome (its effect may land at any time, so its interval never closes) counts as at least as
 * new, and so does a write that failed (reading it is the linearizability check's business). A read that returned nothing (null) saw no write at all, so it is older than every w. A read
 * of a value no write wrote tells nothing about staleness (the linearizability check judges it) and
 * is left out. This is the rule `findStaleReads` uses, so a read counted stale here is the stale
 * read the check lists, and the other way round.
 *
 * Only ok reads of the main phase count (the final reads come after every fault healed and would
 * flatter the curve); only acknowledged (ok) writes are the "w" a read is measured against.
 */

export interface TVisibilityBucket {
  /** The read started in [fromMs, toMs) after the write's acknowledgement. */
  fromMs: number;
  toMs: number;
  /** (write, read) pairs in this bucket, and how many of them saw the write or a newer one. */
  pairs: number;
  consistent: number;
  /** consistent / pairs; null for an empty bucket. */
  p: number | null;
}

export interface TVisibility {
  buckets: TVisibilityBucket[];
  /** All pairs within the horizon, and the share consistent. */
  pairs: number;
  consistent: number;
}

/** Bucket edges in ms: fine near 0, where quorum systems differ, coarse further out. */
export const DEFAULT_T_EDGES_MS: readonly number[] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export interface KStaleness {
  /** Reads measured: ok reads of the main phase with at least one write acknowledged before they began. */
  reads: number;
  /** share[k-1]: the share of those reads within k versions of the newest (k = 1: fresh). */
  share: number[];
  /** behind[j]: reads that were j versions behind (the last bucket holds j ≥ its index). */
  behind: number[];
}

/**
 * When the write a read saw certainly ended. A write of unknown outcome may land at any time, so its
 * interval never closes; a read of a write that failed is the linearizability check's business and
 * is not called stale here either (as in `findStaleReads`).
 */
function ended(w: OpPair): number {
  return w.type === 'ok' ? w.end : Number.POSITIVE_INFINITY;
}

interface KeyIndex {
  /** ok writes of the key sorted by acknowledgement time. */
  acked: readonly OpPair[];
  ackEnds: readonly number[];
  /** The write of each value, of any outcome. */
  byValue: ReadonlyMap<unknown, OpPair>;
}

/**
 * Every written key, indexed as the stale-read check indexes it, with acknowledgement times to
 * search; once per pairs array, as a report measures the same pairs several ways.
 */
const indexKeys = oncePer((pairs: readonly OpPair[]): ReadonlyMap<string, KeyIndex> => {
  const writes = indexWrites(pairs);
  const keys = new Map<string, KeyIndex>();
  for (const [key, byValue] of writes.byValue) {
    const acked = writes.byKey.get(key) ?? [];
    keys.set(key, { acked, ackEnds: acked.map((w) => w.end), byValue });
  }
  return keys;
});

/**
 * The reads the measures use, each with the end of the write it saw: −∞ for a read of nothing,
 * +∞ for a write of unknown outcome; reads of values nobody wrote are dropped.
 */
function measuredReads(pairs: readonly OpPair[], keys: ReadonlyMap<string, KeyIndex>): { read: OpPair; key: KeyIndex; sourceEnd: number; source?: OpPair }[] {
  const out: { read: OpPair; key: KeyIndex; sourceEnd: number; source?: OpPair }[] = [];
  for (const read of pairs) {
    if (read.f !== 'read' || read.type !== 'ok' || read.final) continue;
    const key = keys.get(read.key);
    if (!key) continue;
    if (read.value === null || read.value === undefined) {
      out.push({ read, key, sourceEnd: Number.NEGATIVE_INFINITY });
      continue;
    }
    const source = key.byValue.get(read.value);
    if (!source) continue;
    out.push({ read, key, sourceEnd: ended(source), source });
  }
  return out;
}

/**
 * t-visibility: for each acknowledged write w and each ok read r of the same key that began t ms
 * after w's acknowledgement (0 ≤ t < the last edge), did r see w or a newer write? Counted per
 * bucket of t. A read's pairs in a bucket are a run of writes by acknowledgement time, counted by
 * binary search; of those, only writes acknowledged after the read's source can be newer than it,
 * and only those are visited. So the work per read is the buckets' searches plus the writes it
 * missed, not every write within the horizon (on one hot key, thousands a read).
 */
export function tVisibility(pairs: readonly OpPair[], edgesMs: readonly number[] = DEFAULT_T_EDGES_MS): TVisibility {
  return tVisibilityByGroup(pairs, () => 0, 1, edgesMs)[0]!;
}

/**
 * t-visibility counted apart for groups of reads (e.g. by the fault window a read began in): the
 * pairs of a read go to group `groupOf(read)` (0 ≤ it < groups; other numbers leave the read out).
 * Every acknowledged write counts as w whatever its group, so the groups' pairs add up to the whole.
 */
export function tVisibilityByGroup(pairs: readonly OpPair[], groupOf: (read: OpPair) => number, groups: number, edgesMs: readonly number[] = DEFAULT_T_EDGES_MS): TVisibility[] {
  if (edgesMs.length < 2) throw new Error('t-visibility needs at least two bucket edges');
  const keys = indexKeys(pairs);
  const n = edgesMs.length - 1;
  const total = Array.from({ length: groups }, () => new Array<number>(n).fill(0));
  const good = Array.from({ length: groups }, () => new Array<number>(n).fill(0));
  const horizonNs = edgesMs[n]! * 1e6;
  const firstNs = edgesMs[0]! * 1e6;
  for (const { read, key, sourceEnd } of measuredReads(pairs, keys)) {
    const g = groupOf(read);
    if (!(g >= 0 && g < groups)) continue;
    // Writes acknowledged in (read.start − horizon, read.start − first edge]; t = read.start − w.end,
    // which falls as the index rises.
    const from = upperBound(key.ackEnds, read.start - horizonNs);
    const to = upperBound(key.ackEnds, read.start - firstNs);
    if (from >= to) continue;
    const tMs = (i: number) => (read.start - key.ackEnds[i]!) / 1e6;
    // Bucket b holds the indexes [below(edges[b+1]), below(edges[b])) of [from, to).
    const below = (edge: number) => firstWhere(from, to, (i) => tMs(i) < edge);
    const t = total[g]!;
    const ok = good[g]!;
    let upper = below(edgesMs[0]!);
    for (let b = 0; b < n; b++) {
      const lower = below(edgesMs[b + 1]!);
      t[b]! += upper - lower;
      // Every write of the bucket is seen unless it began after the source ended (below).
      if (sourceEnd !== Number.NEGATIVE_INFINITY) ok[b]! += upper - lower;
      upper = lower;
    }
    if (sourceEnd === Number.NEGATIVE_INFINITY || sourceEnd === Number.POSITIVE_INFINITY) continue;
    // A write that began after the source ended was acknowledged after it too.
    for (let i = Math.max(from, upperBound(key.ackEnds, sourceEnd)); i < to; i++) {
      if (key.acked[i]!.start <= sourceEnd) continue;
      const b = upperBound(edgesMs, tMs(i)) - 1;
      if (b >= 0 && b < n) ok[b]!--;
    }
  }
  return total.map((counts, g) => {
    const buckets = counts.map((pairsIn, b) => ({
      fromMs: edgesMs[b]!,
      toMs: edgesMs[b + 1]!,
      pairs: pairsIn,
      consistent: good[g]![b]!,
      p: pairsIn === 0 ? null : good[g]![b]! / pairsIn,
    }));
    return { buckets, pairs: sum(counts), consistent: sum(good[g]!) };
  });
}

/**
 * k-staleness: how many versions behind the newest was each read? The versions a read r missed are
 * the writes acknowledged before r began that certainly followed the write r saw (began after it
 * ended) — the stale-read check's `versionsBehind`. A read within k versions missed at most k − 1.
 * Reads with no write acknowledged before them are left out: they could not be stale.
 */
export function kStaleness(pairs: readonly OpPair[], maxK = 5): KStaleness {
  return kStalenessByGroup(pairs, () => 0, 1, maxK)[0]!;
}

/**
 * k-staleness counted apart for groups of reads (e.g. by the fault window a read began in): read r
 * counts in group `groupOf(r)` (0 ≤ it < groups; other numbers leave it out). The groups' reads and
 * `behind` add up to the whole.
 */
export function kStalenessByGroup(pairs: readonly OpPair[], groupOf: (read: OpPair) => number, groups: number, maxK = 5): KStaleness[] {
  const keys = indexKeys(pairs);
  const behind = Array.from({ length: groups }, () => new Array<number>(maxK + 1).fill(0));
  for (const { read, key, sourceEnd } of measuredReads(pairs, keys)) {
    const g = groupOf(read);
    if (!(g >= 0 && g < groups)) continue;
    const before = lowerBound(key.ackEnds, read.start);
    if (before === 0) continue;
    // A read of nothing missed every acknowledged write.
    let missed = sourceEnd === Number.NEGATIVE_INFINITY ? before : 0;
    for (let i = sourceEnd === Number.NEGATIVE_INFINITY ? -1 : before - 1; i >= 0; i--) {
      if (key.acked[i]!.start > sourceEnd) missed++;
      // Sorted by acknowledgement: a write acknowledged before the source ended began before it
      // ended, and so did every write acknowledged earlier: none of them is newer.
      if (key.acked[i]!.end < sourceEnd) break;
    }
    behind[g]![Math.min(missed, maxK)]!++;
  }
  return behind.map((b) => {
    const reads = sum(b);
    const share: number[] = [];
    let within = 0;
    for (let k = 1; k <= maxK; k++) {
      within += b[k - 1]!;
      share.push(reads === 0 ? 1 : within / reads);
    }
    return { reads, share, behind: b };
  });
}

/** C(n, r); 0 when r > n. */
export function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i;
  return Math.round(c);
}

/**
 * PBS's closed form for a strict quorum that writes to exactly W of N replicas and reads R of them
 * chosen at random: the probability that a read is within k versions of the newest is
 * 1 − (C(N−W, R) / C(N, R))^k. N = 3, R = W = 1: k = 1 → 1/3, k = 3 → 1 − (2/3)³ ≈ 0.70.
 * R + W > N gives 1 for every k (the quorums always overlap).
 */
export function pbsKStaleness(N: number, R: number, W: number, k: number): number {
  const miss = binomial(N - W, R) / binomial(N, R);
  return 1 - miss ** k;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
