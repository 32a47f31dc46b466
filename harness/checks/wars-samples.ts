/**
 * The latencies PBS's WARS model needs, taken from a run's history: the replica requests of writes
 * and reads, and the client's own legs. Pure: a history in, plain data out.
 *
 * From each ok op's replica timings, as the system under test reports them (GoDist's coordinator
 * records, per replica request, when it was sent, when it left the coordinator and when its answer
 * came, and when it replied: `SystemUnderTest.replicaTimings`):
 * - a replica's round trip is `answeredMs − sentMs`; a replica that had not answered when the
 *   coordinator replied gives a lower bound, `elapsedMs − sentMs` (see latency-distribution.ts);
 *   a replica whose request failed gives nothing (a refused or timed-out request tells no latency);
 * - the round trip of a request to another node is also taken in two parts: the time it waited in
 *   the coordinator before leaving (`leftMs − sentMs`; a lower bound when it had not left by the
 *   reply) and the rest (`answeredMs − leftMs`: the way there, the replica, the way back);
 * - round trips are kept apart by whether the replica was the coordinator itself (served in
 *   process, in microseconds) or another node: a coordinator is one of its key's replicas N times
 *   in `nodes`, and that changes the odds a lot;
 * - the client's own legs (client → coordinator and back, through the harness's event loop) are
 *   the op's latency at the client minus the coordinator's `elapsedMs`: the measured t-visibility
 *   counts from the write's acknowledgement at the client to the read's invocation at the client,
 *   so they are part of what is predicted.
 *
 * And the read ages k-staleness is predicted over: for each read, how long before it began each of
 * the newest acknowledged writes of its key was acknowledged.
 */
import type { OpPair } from '../history/pairs.js';
import { lowerBound } from '../shared/sorted.js';
import type { ReplicaTimings } from '../systems/types.js';
import type { Duration } from './latency-distribution.js';

export interface RoundTrips {
  /** The replica was the coordinator itself. */
  local: Duration[];
  /** The replica was another node: the whole round trip, */
  remote: Duration[];
  /** the time the request waited in the coordinator before it left (requests that recorded it), */
  queued: Duration[];
  /** and the rest of the round trip after it left. */
  rest: Duration[];
}

export interface WarsSamples {
  /** Round trips of replica write requests (send → acknowledgement), write phase of puts. */
  write: RoundTrips;
  /** Round trips of replica read requests (send → answer), gets. */
  read: RoundTrips;
  /** Both client legs of each ok write and read, ms (client latency − coordinator's elapsedMs). */
  clientWrite: number[];
  clientRead: number[];
  /**
   * For each measured read (ok, main phase, after at least one acknowledged write of its key): ms
   * from the acknowledgement of each of the newest acknowledged writes (newest first, up to maxK)
   * to the read's start.
   */
  readAges: number[][];
  /** Ops whose trace had timings, and replica requests that failed (no latency to learn). */
  ops: { write: number; read: number };
  failedRequests: number;
}

export interface SampleOptions {
  /** The system's account of one op's replica requests (its trace read by the system); none: the op teaches nothing. */
  timingsOf: (op: OpPair) => ReplicaTimings | undefined;
  /** Only ops this keeps (e.g. those of one fault phase); default: all. */
  keep?: (op: OpPair) => boolean;
  /** How many of the newest writes each read age lists (the largest k predicted). Default 5. */
  maxK?: number;
}

export function warsSamples(pairs: readonly OpPair[], opts: SampleOptions): WarsSamples {
  const keep = opts.keep ?? (() => true);
  const out: WarsSamples = {
    write: { local: [], remote: [], queued: [], rest: [] },
    read: { local: [], remote: [], queued: [], rest: [] },
    clientWrite: [],
    clientRead: [],
    readAges: [],
    ops: { write: 0, read: 0 },
    failedRequests: 0,
  };
  for (const op of pairs) {
    if (op.type !== 'ok' || op.final || !keep(op)) continue;
    if (op.f !== 'write' && op.f !== 'read') continue;
    const t = opts.timingsOf(op);
    if (!t) continue;
    const isWrite = op.f === 'write';
    const into = isWrite ? out.write : out.read;
    let timed = false;
    for (const r of t.replicas) {
      if (r.failed) {
        out.failedRequests++;
        continue;
      }
      const answered = r.answeredMs !== undefined;
      const end = r.answeredMs ?? t.elapsedMs;
      const local = r.local;
      (local ? into.local : into.remote).push(span(end - r.sentMs, !answered));
      if (!local) {
        if (r.leftMs !== undefined) {
          into.queued.push(span(r.leftMs - r.sentMs, false));
          into.rest.push(span(end - r.leftMs, !answered));
        } else if (!answered) into.queued.push(span(t.elapsedMs - r.sentMs, true));
      }
      timed = true;
    }
    if (!timed) continue;
    out.ops[isWrite ? 'write' : 'read']++;
    const clientMs = Math.max(0, (op.end - op.start) / 1e6 - t.elapsedMs);
    (isWrite ? out.clientWrite : out.clientRead).push(clientMs);
  }
  out.readAges = readAges(pairs, keep, opts.maxK ?? 5);
  return out;
}

/**
 * The samples of several runs as one: latencies are a property of the cluster and its load more
 * than of N/R/W, and a run at a small quorum sees few answers from other nodes. The read ages (for
 * k-staleness) are pooled too; pass the target run's own when its workload timing should count.
 */
export function mergeSamples(...runs: WarsSamples[]): WarsSamples {
  const trips = (kind: 'write' | 'read'): RoundTrips => ({
    local: runs.flatMap((r) => r[kind].local),
    remote: runs.flatMap((r) => r[kind].remote),
    queued: runs.flatMap((r) => r[kind].queued),
    rest: runs.flatMap((r) => r[kind].rest),
  });
  return {
    write: trips('write'),
    read: trips('read'),
    clientWrite: runs.flatMap((r) => r.clientWrite),
    clientRead: runs.flatMap((r) => r.clientRead),
    readAges: runs.flatMap((r) => r.readAges),
    ops: { write: sum(runs.map((r) => r.ops.write)), read: sum(runs.map((r) => r.ops.read)) },
    failedRequests: sum(runs.map((r) => r.failedRequests)),
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function span(ms: number, censored: boolean): Duration {
  return { ms: Math.max(0, ms), censored };
}

/** For each measured read, ms since each of the newest acknowledged writes of its key, newest first. */
function readAges(pairs: readonly OpPair[], keep: (op: OpPair) => boolean, maxK: number): number[][] {
  const acks = new Map<string, number[]>();
  for (const p of pairs) {
    if (p.f !== 'write' || p.type !== 'ok') continue;
    if (!acks.has(p.key)) acks.set(p.key, []);
    acks.get(p.key)!.push(p.end);
  }
  for (const ends of acks.values()) ends.sort((a, b) => a - b);
  const ages: number[][] = [];
  for (const r of pairs) {
    if (r.f !== 'read' || r.type !== 'ok' || r.final || !keep(r)) continue;
    const ends = acks.get(r.key);
    if (!ends) continue;
    const before = lowerBound(ends, r.start);
    if (before === 0) continue;
    const row: number[] = [];
    for (let i = before - 1; i >= 0 && row.length < maxK; i--) row.push((r.start - ends[i]!) / 1e6);
    ages.push(row);
  }
  return ages;
}
