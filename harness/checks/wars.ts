/**
 * Staleness predicted as PBS predicts it (Bailis et al., "Probabilistically Bounded Staleness for
 * Practical Partial Quorums", VLDB 2012): the WARS model, a Monte Carlo over the measured
 * latencies of the four one-way legs of a quorum operation — W (coordinator → replica, the write),
 * A (its acknowledgement back), R (coordinator → replica, the read), S (the answer back). Pure: the
 * random stream is seeded, time is an argument, nothing is read or written.
 *
 * One trial, as GoDist's coordinator works (node/coordinator.ts):
 * - a cluster of `nodes` nodes; the key's replica set is N of them; the client sends the write to
 *   a node chosen uniformly, and the read to another chosen independently (the runner spreads
 *   processes evenly over nodes). A coordinator that is itself a replica serves that replica in
 *   process (its own, near-zero latency distribution);
 * - the write goes to all N replicas; replica i has it `W_i` after the write phase began, and the
 *   coordinator has its acknowledgement at `W_i + A_i`; the write commits at the W-th
 *   acknowledgement, time C;
 * - the acknowledgement reaches the client, which starts a read t ms later; the read reaches its
 *   coordinator, which asks all N replicas; replica i reads at `R_i` after that and its answer is
 *   back at `R_i + S_i`; the coordinator answers with the newest of the first R answers;
 * - the read sees the write (or a newer one) when one of its first R answers came from a replica
 *   that had the write when it read: `W_i ≤ C + X + t + R_i`, X being the client legs in between
 *   (the write's answer back to its client, the read's request on to its coordinator).
 * For fixed legs the first R answers do not depend on t, so each trial yields one threshold
 * `min over the first R of (W_i − C − X − R_i)`: the read is fresh exactly when t is at or past it.
 * The t-visibility curve is the distribution of the thresholds, all t at once.
 *
 * The coordinator measures round trips (send → answer), not one-way legs. Two ways to get legs:
 * - `inbox` (the default when the trace has `leftMs`): a node serves what reaches it in the order
 *   it arrived (one event loop; a peer's requests come over a few keep-alive connections). A read
 *   that reaches a replica after a write is served after it, however long both then wait there, so
 *   what decides the race is when each *reached* the replica, not when the replica got to it. The
 *   outbound leg is then the time the request waited in its coordinator before leaving (measured:
 *   `leftMs − sentMs`) plus loopback transit (microseconds, taken as 0); the replica's wait and
 *   work and the way back are the return leg. For the coordinator's own replica the request is
 *   there at once. A read reaches its coordinator as soon as the client sends it, so a read of the
 *   coordinator's own replica is served in order with the writes already there; a read of another
 *   replica first waits its turn in the coordinator (the read's client-side share, below).
 * - `split` (PBS's assumption where only round trips are known): each round trip is split into its
 *   two legs by a fixed share (`LegSplit`), half each way by default.
 * The client's legs are known only as a round trip (latency at the client − the coordinator's
 * `elapsedMs`), split by `LegSplit` in both modes. STALEST_SPLIT and FRESHEST_SPLIT bound what any
 * split could predict: the threshold grows with the write's outbound share and shrinks with the
 * read's and with the client legs. docs/staleness.md gives the error against measurement.
 *
 * Left out, as PBS leaves them out: read repair (it only makes later reads fresher), other writes
 * to the key (t-visibility is about one write; `predictKStaleness` takes several), writes that
 * tie on version (a version read of R < N replicas can miss the newest version, and the tie-break
 * by writer id then hides the later write for good), and correlation between the replicas of one op
 * (each leg is drawn on its own).
 */
import { createRandom, type Random } from '../shared/random.js';
import type { TVisibility } from './staleness.js';
import { constantDistribution, estimateDistribution, quantileOf, type LatencyDistribution } from './latency-distribution.js';
import type { WarsSamples } from './wars-samples.js';

export { mergeSamples, warsSamples, type WarsSamples, type SampleOptions, type RoundTrips } from './wars-samples.js';
export { summarize, type Duration, type LatencyDistribution, type LatencySummary } from './latency-distribution.js';

export interface QuorumSetting {
  N: number;
  R: number;
  W: number;
  /** Nodes in the cluster, among which clients pick coordinators uniformly (≥ N). */
  nodes: number;
}

/** Share of each round trip spent on the way out (request); the rest is the way back. */
export interface LegSplit {
  /** Replica write, `split` legs only: W = writeOut · round trip, A = the rest. */
  writeOut: number;
  /** Replica read, `split` legs only: R = readOut · round trip, S = the rest. */
  readOut: number;
  /** Client write: the acknowledgement's way back to the client is (1 − clientWriteOut) of its client legs. */
  clientWriteOut: number;
  /**
   * Client read: clientReadOut of its client legs is the read's way to its coordinator (`split`),
   * or its wait there before the coordinator began it (`inbox`; it delays the read's requests to
   * other replicas, not its turn at the coordinator's own).
   */
  clientReadOut: number;
}

export const EVEN_SPLIT: LegSplit = { writeOut: 0.5, readOut: 0.5, clientWriteOut: 0.5, clientReadOut: 0.5 };
/** Writes arrive as late, reads as early as their round trips allow: no split predicts staler reads. */
export const STALEST_SPLIT: LegSplit = { writeOut: 1, readOut: 0, clientWriteOut: 1, clientReadOut: 0 };
/** The other extreme: no split predicts fresher reads. */
export const FRESHEST_SPLIT: LegSplit = { writeOut: 0, readOut: 1, clientWriteOut: 0, clientReadOut: 1 };

/** How round trips become one-way legs (see the top of this file). */
export type LegModel = 'inbox' | 'split';

/** The latencies of one kind of replica request (write or read). */
export interface ReplicaLatencies {
  /** Round trips to the coordinator's own replica. */
  local: LatencyDistribution;
  /** Round trips to another node. */
  remote: LatencyDistribution;
  /** For `inbox` legs: the wait in the coordinator before leaving, and the rest of the round trip; null when the history has no `leftMs`. */
  queued: LatencyDistribution | null;
  rest: LatencyDistribution | null;
}

/** The distributions the Monte Carlo draws from. */
export interface WarsModel {
  write: ReplicaLatencies;
  read: ReplicaLatencies;
  /** Both client legs of an op, ms. */
  clientWrite: LatencyDistribution;
  clientRead: LatencyDistribution;
  /** Per measured read: ms since each of the newest acknowledged writes of its key (k-staleness). */
  readAges: number[][];
  /** What had no samples and was taken as 0 ms instead, in words (empty when nothing was). */
  assumed: string[];
}

export interface PredictOptions {
  seed: number;
  /** Default: `inbox` when the model has the queueing times, else `split`. */
  legs?: LegModel;
  /** Monte Carlo trials (default 20,000: the curve's standard error is then ≤ 0.0036). */
  trials?: number;
  split?: LegSplit;
  /**
   * Count the client legs between the write's acknowledgement and the read's start (default true:
   * what the harness measures, from its own clock). false: t counts at the coordinators, as PBS's.
   */
  clientLegs?: boolean;
}

export interface TVisibilityPrediction {
  setting: QuorumSetting;
  trials: number;
  seed: number;
  legs: LegModel;
  split: LegSplit;
  /** Ascending: a read t ms after the write's acknowledgement saw it in the trials whose threshold is ≤ t. */
  thresholdsMs: number[];
}

export interface KStalenessPrediction {
  setting: QuorumSetting;
  trials: number;
  /** share[k−1]: the predicted share of reads within k versions of the newest (k = 1: fresh). */
  share: number[];
}

/**
 * Samples that cannot support a prediction: nothing to say how long requests to other nodes take.
 * A report shows the message instead of a curve.
 */
export class CannotPredict extends Error {
  override name = 'CannotPredict';
}

/**
 * The model of a run's samples: each latency's distribution, lower bounds included (Kaplan–Meier).
 * Throws CannotPredict when requests to other nodes were never seen to answer: e.g. N = nodes with
 * W = R = 1, where the coordinator's own replica always answers first and the coordinator replies
 * before any other node does. Merging the samples of another run (mergeSamples) fills the gap.
 */
export function warsModel(samples: WarsSamples): WarsModel {
  const assumed: string[] = [];
  const replica = (kind: 'write' | 'read'): ReplicaLatencies => {
    const d = samples[kind];
    if (!d.remote.some((x) => !x.censored)) {
      throw new CannotPredict(
        d.remote.length === 0
          ? `no timed ${kind} to another node in the history: nothing to predict from (the node's trace records per-replica timings since sentMs/answeredMs were added)`
          : `no ${kind} to another node was answered before its coordinator replied (${d.remote.length} requests, all still pending), so the history does not say how long they take; merge the samples of a run with a larger quorum`,
      );
    }
    let local: LatencyDistribution;
    if (d.local.length > 0) local = estimateDistribution(d.local);
    else {
      assumed.push(`${kind}s served by the coordinator's own replica: 0 ms (none in the samples)`);
      local = constantDistribution(0);
    }
    const inbox = d.queued.length > 0 && d.rest.some((x) => !x.censored);
    return { local, remote: estimateDistribution(d.remote), queued: inbox ? estimateDistribution(d.queued) : null, rest: inbox ? estimateDistribution(d.rest) : null };
  };
  const client = (kind: 'write' | 'read', ms: number[]): LatencyDistribution => {
    if (ms.length > 0) return estimateDistribution(ms.map((x) => ({ ms: x, censored: false })));
    assumed.push(`client legs of ${kind}s: 0 ms (none in the samples)`);
    return constantDistribution(0);
  };
  return {
    write: replica('write'),
    read: replica('read'),
    clientWrite: client('write', samples.clientWrite),
    clientRead: client('read', samples.clientRead),
    readAges: samples.readAges,
    assumed,
  };
}

/** The leg model a prediction uses: the one asked for, else `inbox` when the model can. */
export function legModelOf(m: WarsModel, asked?: LegModel): LegModel {
  const canInbox = m.write.queued !== null && m.read.queued !== null;
  if (asked === 'inbox' && !canInbox) throw new RangeError('inbox legs need the time each request waited in its coordinator (leftMs), which this history does not have');
  return asked ?? (canInbox ? 'inbox' : 'split');
}

/** Impossible settings, as sentences; empty when the Monte Carlo can run them. */
export function settingProblems(s: QuorumSetting): string[] {
  const out: string[] = [];
  for (const [name, v] of [['N', s.N], ['R', s.R], ['W', s.W], ['nodes', s.nodes]] as const) {
    if (!Number.isInteger(v) || v < 1) out.push(`${name}=${v} must be a whole number ≥ 1`);
  }
  if (out.length > 0) return out;
  if (s.R > s.N) out.push(`R=${s.R} exceeds N=${s.N}`);
  if (s.W > s.N) out.push(`W=${s.W} exceeds N=${s.N}`);
  if (s.N > s.nodes) out.push(`N=${s.N} exceeds nodes=${s.nodes}`);
  return out;
}

function checkSetting(s: QuorumSetting): void {
  const problems = settingProblems(s);
  if (problems.length > 0) throw new RangeError(`cannot predict ${s.N}/${s.R}/${s.W} on ${s.nodes} nodes: ${problems.join('; ')}`);
}

/**
 * The state of one prediction: its inputs, its random stream, and the buffers each draw fills
 * (reused from trial to trial: a prediction makes tens of thousands).
 */
interface Draw {
  m: WarsModel;
  s: QuorumSetting;
  legs: LegModel;
  split: LegSplit;
  clientLegs: boolean;
  rnd: Random;
  /** The write: each replica's round trip, and W_i − C (when it had the write, after the commit). */
  writeRtt: Float64Array;
  heldAfterCommit: Float64Array;
  sorted: Float64Array;
  /** The acknowledgement's way back to the client. */
  backMs: number;
  /** The read: each replica's round trip and order of equal ones; when it read after the client sent the read; the first R to answer. */
  readRtt: Float64Array;
  tieBreak: Float64Array;
  readsAt: Float64Array;
  first: Int32Array;
}

/** A request to another node: its round trip, and (into `out`) when it reached the replica after it was sent. */
function remoteLegs(d: Draw, lat: ReplicaLatencies, outShare: number, out: Float64Array, i: number): number {
  if (d.legs === 'inbox') {
    const queued = quantileOf(lat.queued!, d.rnd.next());
    out[i] = queued;
    return queued + quantileOf(lat.rest!, d.rnd.next());
  }
  const rtt = quantileOf(lat.remote, d.rnd.next());
  out[i] = outShare * rtt;
  return rtt;
}

/** Draw a write: fills `heldAfterCommit` and `backMs`. */
function drawWrite(d: Draw): void {
  const { m, s, split, writeRtt: rtt, heldAfterCommit: held } = d;
  const coordinator = d.rnd.int(s.nodes); // the replicas are nodes 0..N−1
  for (let i = 0; i < s.N; i++) {
    if (i === coordinator) {
      rtt[i] = quantileOf(m.write.local, d.rnd.next());
      held[i] = d.legs === 'inbox' ? 0 : split.writeOut * rtt[i]!;
    } else rtt[i] = remoteLegs(d, m.write, split.writeOut, held, i);
  }
  const commit = kthSmallest(rtt, s.N, s.W, d.sorted);
  for (let i = 0; i < s.N; i++) held[i] = held[i]! - commit;
  d.backMs = d.clientLegs ? (1 - split.clientWriteOut) * quantileOf(m.clientWrite, d.rnd.next()) : 0;
}

/** The k-th smallest of xs[0..n), by insertion sort into `buf` (n is small; a typed array's sort is slow on tiny arrays). */
function kthSmallest(xs: Float64Array, n: number, k: number, buf: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    let j = i;
    for (; j > 0 && buf[j - 1]! > x; j--) buf[j] = buf[j - 1]!;
    buf[j] = x;
  }
  return buf[k - 1]!;
}

/** Draw a read: fills `readsAt` and `first`. */
function drawRead(d: Draw): void {
  const { m, s, split, readRtt: rtt, readsAt, tieBreak } = d;
  const coordinator = d.rnd.int(s.nodes);
  const toCoordinator = d.clientLegs ? split.clientReadOut * quantileOf(m.clientRead, d.rnd.next()) : 0;
  for (let i = 0; i < s.N; i++) {
    if (i === coordinator) {
      rtt[i] = quantileOf(m.read.local, d.rnd.next());
      // inbox: served in arrival order with what already reached the coordinator.
      readsAt[i] = d.legs === 'inbox' ? 0 : toCoordinator + split.readOut * rtt[i]!;
    } else {
      rtt[i] = remoteLegs(d, m.read, split.readOut, readsAt, i);
      readsAt[i] = toCoordinator + readsAt[i]!;
    }
    tieBreak[i] = d.rnd.next(); // equal round trips (discrete samples): either may answer first
  }
  // The R earliest answers, by selection (N is small).
  for (let k = 0; k < s.R; k++) {
    let best = -1;
    for (let i = 0; i < s.N; i++) {
      let taken = false;
      for (let j = 0; j < k; j++) if (d.first[j] === i) taken = true;
      if (taken) continue;
      if (best < 0 || rtt[i]! < rtt[best]! || (rtt[i] === rtt[best] && tieBreak[i]! < tieBreak[best]!)) best = i;
    }
    d.first[k] = best;
  }
}

/** The smallest t (ms after the write's acknowledgement at its client) at which the drawn read sees the drawn write. */
function threshold(d: Draw): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < d.s.R; k++) {
    const i = d.first[k]!;
    best = Math.min(best, d.heldAfterCommit[i]! - d.backMs - d.readsAt[i]!);
  }
  return best;
}

function drawer(m: WarsModel, setting: QuorumSetting, opts: PredictOptions, what: string): Draw {
  checkSetting(setting);
  const n = setting.N;
  return {
    m,
    s: setting,
    legs: legModelOf(m, opts.legs),
    split: opts.split ?? EVEN_SPLIT,
    clientLegs: opts.clientLegs ?? true,
    rnd: createRandom(opts.seed).fork(`${what} ${setting.N}/${setting.R}/${setting.W}/${setting.nodes}`),
    writeRtt: new Float64Array(n),
    heldAfterCommit: new Float64Array(n),
    sorted: new Float64Array(n),
    backMs: 0,
    readRtt: new Float64Array(n),
    tieBreak: new Float64Array(n),
    readsAt: new Float64Array(n),
    first: new Int32Array(setting.R),
  };
}

/** t-visibility for `setting` from the model's latencies: the seeded Monte Carlo's thresholds. */
export function predictTVisibility(m: WarsModel, setting: QuorumSetting, opts: PredictOptions): TVisibilityPrediction {
  const d = drawer(m, setting, opts, 't-visibility');
  const trials = opts.trials ?? 20_000;
  const thresholdsMs = new Array<number>(trials);
  for (let k = 0; k < trials; k++) {
    drawWrite(d);
    drawRead(d);
    thresholdsMs[k] = threshold(d);
  }
  thresholdsMs.sort((a, b) => a - b);
  return { setting, trials, seed: opts.seed, legs: d.legs, split: d.split, thresholdsMs };
}

/** Predicted probability that a read started t ms after a write's acknowledgement sees it or a newer write. */
export function visibilityAt(p: TVisibilityPrediction, tMs: number): number {
  let lo = 0;
  let hi = p.thresholdsMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p.thresholdsMs[mid]! <= tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo / p.thresholdsMs.length;
}

/**
 * The mean of the predicted curve over [fromMs, toMs): what a bucket of measured pairs should show
 * when their t spreads evenly over the bucket. Exact for the thresholds: each contributes the part of
 * the bucket at or past it.
 */
export function visibilityOver(p: TVisibilityPrediction, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) throw new RangeError(`an empty interval [${fromMs}, ${toMs})`);
  const width = toMs - fromMs;
  let covered = 0;
  for (const th of p.thresholdsMs) {
    if (th >= toMs) break;
    covered += toMs - Math.max(fromMs, th);
  }
  return covered / (width * p.thresholdsMs.length);
}

/**
 * k-staleness for `setting`: each trial takes a measured read's ages (how long before it each of
 * the newest writes of its key was acknowledged), draws each of those writes and the read, and
 * finds the newest write the read saw. The writes are drawn independently; the read once.
 */
export function predictKStaleness(m: WarsModel, setting: QuorumSetting, opts: PredictOptions & { maxK?: number }): KStalenessPrediction {
  const d = drawer(m, setting, opts, 'k-staleness');
  const maxK = opts.maxK ?? 5;
  const trials = opts.trials ?? 20_000;
  if (m.readAges.length === 0) return { setting, trials: 0, share: new Array<number>(maxK).fill(1) };
  const behind = new Array<number>(maxK + 1).fill(0);
  for (let k = 0; k < trials; k++) {
    const ages = m.readAges[d.rnd.int(m.readAges.length)]!;
    drawRead(d); // one read, against each of the newest writes in turn
    let missed = 0;
    for (; missed < ages.length && missed < maxK; missed++) {
      drawWrite(d);
      if (threshold(d) <= ages[missed]!) break;
    }
    behind[missed]!++;
  }
  const share: number[] = [];
  let within = 0;
  for (let k = 1; k <= maxK; k++) share.push((within += behind[k - 1]!) / trials);
  return { setting, trials, share };
}

export interface TVisibilityComparison {
  buckets: { fromMs: number; toMs: number; pairs: number; measured: number | null; predicted: number }[];
  /** Root mean square of (predicted − measured) over the buckets with at least `minPairs` pairs; null when none has. */
  rmse: number | null;
  /** Buckets that count in the RMSE. */
  compared: number;
}

/** Measured t-visibility (report/staleness.ts) beside the prediction, bucket by bucket. */
export function compareTVisibility(measured: TVisibility, p: TVisibilityPrediction, minPairs = 30): TVisibilityComparison {
  let squares = 0;
  let compared = 0;
  const buckets = measured.buckets.map((b) => {
    const predicted = visibilityOver(p, b.fromMs, b.toMs);
    if (b.p !== null && b.pairs >= minPairs) {
      squares += (predicted - b.p) ** 2;
      compared++;
    }
    return { fromMs: b.fromMs, toMs: b.toMs, pairs: b.pairs, measured: b.p, predicted };
  });
  return { buckets, rmse: compared === 0 ? null : Math.sqrt(squares / compared), compared };
}
