import { replicaTimings } from '../../harness/systems/godist/trace.js';
import { describe, expect, it } from 'vitest';
import { constantDistribution, type LatencyDistribution } from '../../harness/checks/latency-distribution.js';
import {
  CannotPredict,
  compareTVisibility,
  mergeSamples,
  EVEN_SPLIT,
  FRESHEST_SPLIT,
  predictKStaleness,
  predictTVisibility,
  settingProblems,
  STALEST_SPLIT,
  visibilityAt,
  visibilityOver,
  warsModel,
  warsSamples,
  type LegSplit,
  type QuorumSetting,
  type WarsModel,
} from '../../harness/checks/wars.js';
import { pairOps } from '../../harness/history/pairs.js';
import type { TVisibility } from '../../harness/checks/staleness.js';
import { historyOf } from '../history/history-builder.js';

/** A discrete distribution from [value, probability] pairs. */
function discrete(points: [number, number][]): LatencyDistribution {
  const sorted = points.slice().sort((a, b) => a[0] - b[0]);
  let acc = 0;
  const cdf = sorted.map(([, p]) => (acc += p));
  cdf[cdf.length - 1] = 1;
  return { values: sorted.map(([v]) => v), cdf, unobserved: 0, samples: 0, censored: 0 };
}

type Latencies = { local?: LatencyDistribution; remote: LatencyDistribution; queued?: LatencyDistribution; rest?: LatencyDistribution };

/** A model from given distributions; a coordinator's own replica answers at once unless told otherwise. */
function model(parts: { write: Latencies; read: Latencies; clientWrite?: LatencyDistribution; clientRead?: LatencyDistribution; readAges?: number[][] }): WarsModel {
  const replica = (l: Latencies) => ({ local: l.local ?? constantDistribution(0), remote: l.remote, queued: l.queued ?? null, rest: l.rest ?? null });
  return {
    write: replica(parts.write),
    read: replica(parts.read),
    clientWrite: parts.clientWrite ?? constantDistribution(0),
    clientRead: parts.clientRead ?? constantDistribution(0),
    readAges: parts.readAges ?? [],
    assumed: [],
  };
}

/** Heavy-tailed, lopsided latencies: a write to another node is often much slower than a read. */
/** GoDist's replica timings, read from each op's trace. */
const godistTimings = { timingsOf: (op: { trace?: Record<string, unknown> }) => (op.trace ? replicaTimings(op.trace) : undefined) };

const lopsided = model({
  write: { remote: discrete([[0.2, 0.5], [5, 0.3], [80, 0.2]]), queued: discrete([[0, 0.6], [0.5, 0.3], [20, 0.1]]), rest: discrete([[0.2, 0.5], [5, 0.3], [60, 0.2]]) },
  read: { remote: discrete([[0.1, 0.6], [1, 0.3], [30, 0.1]]), queued: discrete([[0, 0.7], [2, 0.3]]), rest: discrete([[0.1, 0.6], [1, 0.3], [30, 0.1]]) },
  clientWrite: discrete([[0, 0.5], [2, 0.5]]),
  clientRead: discrete([[0.1, 0.5], [3, 0.5]]),
});

const T_GRID = [-1, 0, 0.05, 0.5, 1, 2.5, 5, 10, 40, 100];

describe('WARS t-visibility', () => {
  it('R + W > N: every read sees the write at every t ≥ 0, whatever the latencies and the leg split', () => {
    for (const [N, R, W, nodes] of [[3, 2, 2, 5], [3, 1, 3, 3], [3, 3, 1, 4], [5, 3, 3, 5], [5, 2, 4, 7]] as const) {
      for (const legs of ['inbox', 'split'] as const) {
        for (const split of [EVEN_SPLIT, STALEST_SPLIT]) {
          const p = predictTVisibility(lopsided, { N, R, W, nodes }, { seed: 1, trials: 5000, split, legs });
          expect(visibilityAt(p, 0), `${N}/${R}/${W} on ${nodes}, ${legs}`).toBe(1);
        }
      }
    }
  });

  it('R + W ≤ N with the same latencies does show stale reads (the check above is not vacuous)', () => {
    for (const legs of ['inbox', 'split'] as const) {
      const p = predictTVisibility(lopsided, { N: 3, R: 1, W: 1, nodes: 5 }, { seed: 1, trials: 5000, legs });
      expect(visibilityAt(p, 0), legs).toBeLessThan(0.95);
      expect(visibilityAt(p, 100), legs).toBe(1);
    }
  });

  it('constant latencies, round trips split in half: a step at the known t', () => {
    // N = nodes = 3, R = W = 1. A coordinator serves its own replica at once; a write to another
    // node takes 10 ms there and back (5 ms out), a read 2 ms. When the read's coordinator is the
    // write's (1/3), its own replica already has the write; otherwise its own replica answers
    // first and gets the write only 5 ms after the write committed (at its coordinator's own ack).
    const m = model({ write: { remote: constantDistribution(10) }, read: { remote: constantDistribution(2) } });
    const s = { N: 3, R: 1, W: 1, nodes: 3 };
    const p = predictTVisibility(m, s, { seed: 3, trials: 30_000 });
    expect(p.legs).toBe('split');
    expect(visibilityAt(p, -0.01)).toBe(0);
    expect(visibilityAt(p, 0)).toBeCloseTo(1 / 3, 1);
    expect(visibilityAt(p, 4.99)).toBe(visibilityAt(p, 0));
    expect(visibilityAt(p, 5)).toBe(1);
    // Client legs of 2 ms there and back: 1 ms back to the writer and 1 ms on the read's way to
    // its coordinator pass before the read is served, so the step comes 2 ms earlier.
    const withClient = { ...m, clientWrite: constantDistribution(2), clientRead: constantDistribution(2) };
    const c = predictTVisibility(withClient, s, { seed: 3, trials: 30_000 });
    expect(visibilityAt(c, 2.99)).toBeCloseTo(1 / 3, 1);
    expect(visibilityAt(c, 3)).toBe(1);
    expect(visibilityAt(predictTVisibility(withClient, s, { seed: 3, trials: 30_000, clientLegs: false }), 4.99)).toBeCloseTo(1 / 3, 1);
  });

  it('constant latencies, inbox legs: only the wait before leaving the coordinator counts on the way out', () => {
    // A write to another node waits 4 ms in its coordinator, then 6 ms more there and back. The
    // read's coordinator serves its own replica in arrival order: the write is there 4 ms after
    // it committed. The client's 2 ms round trip gives 1 ms back to the writer; the read's 1 ms
    // wait at its coordinator does not matter for its own replica.
    const m = model({
      write: { remote: constantDistribution(10), queued: constantDistribution(4), rest: constantDistribution(6) },
      read: { remote: constantDistribution(2), queued: constantDistribution(0), rest: constantDistribution(2) },
      clientWrite: constantDistribution(2),
      clientRead: constantDistribution(2),
    });
    const p = predictTVisibility(m, { N: 3, R: 1, W: 1, nodes: 3 }, { seed: 4, trials: 30_000 });
    expect(p.legs).toBe('inbox');
    expect(visibilityAt(p, 0)).toBeCloseTo(1 / 3, 1);
    expect(visibilityAt(p, 2.99)).toBe(visibilityAt(p, 0));
    expect(visibilityAt(p, 3)).toBe(1);
  });

  it('the same seed gives the same curve; another seed another draw', () => {
    const s: QuorumSetting = { N: 3, R: 1, W: 1, nodes: 5 };
    const a = predictTVisibility(lopsided, s, { seed: 42, trials: 2000 });
    const b = predictTVisibility(lopsided, s, { seed: 42, trials: 2000 });
    const c = predictTVisibility(lopsided, s, { seed: 43, trials: 2000 });
    expect(b.thresholdsMs).toEqual(a.thresholdsMs);
    expect(c.thresholdsMs).not.toEqual(a.thresholdsMs);
  });

  it('agrees with a brute-force enumeration of every draw (discrete latencies, ties included)', () => {
    const odd = { writeOut: 0.8, readOut: 0.3, clientWriteOut: 0.6, clientReadOut: 0.2 };
    for (const [s, legs, split] of [
      [{ N: 3, R: 1, W: 1, nodes: 4 }, 'split', EVEN_SPLIT],
      [{ N: 3, R: 2, W: 1, nodes: 3 }, 'split', odd],
      [{ N: 3, R: 1, W: 2, nodes: 4 }, 'split', EVEN_SPLIT],
      [{ N: 3, R: 1, W: 1, nodes: 4 }, 'inbox', EVEN_SPLIT],
      [{ N: 3, R: 1, W: 2, nodes: 3 }, 'inbox', odd],
      [{ N: 2, R: 1, W: 1, nodes: 3 }, 'inbox', EVEN_SPLIT],
    ] as const) {
      const p = predictTVisibility(small, s, { seed: 7, trials: 100_000, split, legs });
      for (const t of [-0.5, 0, 0.4, 1, 2, 3.5, 6]) {
        expect(Math.abs(visibilityAt(p, t) - bruteForce(small, s, legs, split, t)), `${s.N}/${s.R}/${s.W} on ${s.nodes}, ${legs}, t = ${t}`).toBeLessThan(0.008);
      }
    }
  });

  it('stalest and freshest splits bound the even one', () => {
    // Same seed, same draws: only the split differs, so the bound holds trial by trial.
    const s = { N: 3, R: 1, W: 1, nodes: 5 };
    for (const legs of ['inbox', 'split'] as const) {
      const even = predictTVisibility(lopsided, s, { seed: 5, trials: 20_000, legs });
      const lo = predictTVisibility(lopsided, s, { seed: 5, trials: 20_000, legs, split: STALEST_SPLIT });
      const hi = predictTVisibility(lopsided, s, { seed: 5, trials: 20_000, legs, split: FRESHEST_SPLIT });
      for (const t of T_GRID) {
        expect(visibilityAt(lo, t)).toBeLessThanOrEqual(visibilityAt(even, t));
        expect(visibilityAt(even, t)).toBeLessThanOrEqual(visibilityAt(hi, t));
      }
    }
  });

  it('the mean over a bucket counts the part of the bucket at or past each threshold', () => {
    const p = { setting: { N: 3, R: 1, W: 1, nodes: 3 }, trials: 2, seed: 0, legs: 'split' as const, split: EVEN_SPLIT, thresholdsMs: [0, 2] };
    expect(visibilityOver(p, 0, 4)).toBeCloseTo((4 + 2) / 8);
    expect(visibilityOver(p, -2, 0)).toBe(0);
    expect(visibilityOver(p, 2, 3)).toBe(1);
    expect(() => visibilityOver(p, 1, 1)).toThrow(/empty interval/);
  });

  it('impossible settings are refused with the reason', () => {
    expect(settingProblems({ N: 3, R: 4, W: 1, nodes: 5 })).toEqual(['R=4 exceeds N=3']);
    expect(() => predictTVisibility(lopsided, { N: 5, R: 1, W: 1, nodes: 3 }, { seed: 1 })).toThrow(/N=5 exceeds nodes=3/);
  });
});

describe('WARS k-staleness', () => {
  const m = model({ write: { remote: constantDistribution(10) }, read: { remote: constantDistribution(2) } });
  const s = { N: 3, R: 1, W: 1, nodes: 3 };

  it('constant latencies: a write 1 ms old is seen 1/3 of the time; one 100 ms old always', () => {
    const p = predictKStaleness({ ...m, readAges: [[1, 100]] }, s, { seed: 2, trials: 30_000, maxK: 3 });
    expect(p.share[0]).toBeCloseTo(1 / 3, 1);
    expect(p.share[1]).toBe(1);
    expect(p.share[2]).toBe(1);
  });

  it('a read with fewer writes before it than k is within k whatever it saw', () => {
    const p = predictKStaleness({ ...m, readAges: [[1]] }, s, { seed: 2, trials: 5000, maxK: 2 });
    expect(p.share[0]).toBeLessThan(0.5);
    expect(p.share[1]).toBe(1);
  });

  it('R + W > N: every read is fresh', () => {
    const p = predictKStaleness({ ...lopsided, readAges: [[0, 1, 2], [0.1]] }, { N: 3, R: 2, W: 2, nodes: 5 }, { seed: 2, trials: 5000 });
    expect(p.share).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('measured against predicted', () => {
  it('RMSE over the buckets with enough pairs', () => {
    const measured: TVisibility = {
      pairs: 150,
      consistent: 120,
      buckets: [
        { fromMs: 0, toMs: 5, pairs: 60, consistent: 30, p: 0.5 },
        { fromMs: 5, toMs: 10, pairs: 80, consistent: 80, p: 1 },
        { fromMs: 10, toMs: 20, pairs: 10, consistent: 10, p: 1 },
      ],
    };
    // Half the trials fresh from t = 0, half from t = 5: 0.5 over [0, 5), 1 after.
    const p = { setting: { N: 3, R: 1, W: 1, nodes: 3 }, trials: 2, seed: 0, legs: 'split' as const, split: EVEN_SPLIT, thresholdsMs: [0, 5] };
    expect(compareTVisibility(measured, p, 30)).toMatchObject({ rmse: 0, compared: 2 });
    const off = { ...p, thresholdsMs: [0, 0] };
    expect(compareTVisibility(measured, off, 30).rmse).toBeCloseTo(Math.sqrt(0.25 / 2));
    expect(compareTVisibility(measured, off, 100).rmse).toBeNull();
  });
});

describe('samples from a history', () => {
  it('round trips by local and remote replica, lower bounds for the pending, client legs, read ages', () => {
    const history = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10, 'ok', {
        node: 'n1',
        trace: {
          coordinator: 'n1',
          elapsedMs: 6,
          replicas: [
            { node: 'n1', version: 1, ok: true, sentMs: 1, answeredMs: 1.01 },
            { node: 'n2', version: 1, ok: true, sentMs: 1, leftMs: 1.5, answeredMs: 6 },
            { node: 'n3', version: null, ok: false, sentMs: 1 },
          ],
        },
      });
      h.op(1, 'read', 'k', 1, 12, 15, 'ok', {
        node: 'n2',
        trace: {
          coordinator: 'n2',
          elapsedMs: 2,
          replicas: [
            { node: 'n1', version: null, ok: false, sentMs: 0, answeredMs: 1 }, // failed: no latency
            { node: 'n2', version: 1, ok: true, sentMs: 0, answeredMs: 0.02 },
            { node: 'n3', version: 1, ok: true, sentMs: 0, answeredMs: 2 },
          ],
        },
      });
      h.op(2, 'read', 'k', 1, 40, 41, 'ok', { node: 'n1', final: true, trace: { coordinator: 'n1', elapsedMs: 0.5, replicas: [{ node: 'n1', version: 1, ok: true, sentMs: 0, answeredMs: 0.1 }] } });
      h.op(3, 'read', 'k', null, 5, 6, 'ok'); // before any acknowledged write: no age
    });
    const s = warsSamples(pairOps(history), godistTimings);
    expect(s.write.local).toEqual([{ ms: expect.closeTo(0.01, 6), censored: false }]);
    expect(s.write.remote).toEqual([{ ms: 5, censored: false }, { ms: 5, censored: true }]);
    expect(s.write.queued).toEqual([{ ms: expect.closeTo(0.5, 6), censored: false }, { ms: 5, censored: true }]);
    expect(s.write.rest).toEqual([{ ms: expect.closeTo(4.5, 6), censored: false }]);
    expect(s.read.local).toEqual([{ ms: 0.02, censored: false }]);
    expect(s.read.remote).toEqual([{ ms: 2, censored: false }]);
    expect(s.failedRequests).toBe(1);
    expect(s.clientWrite).toEqual([4]);
    expect(s.clientRead).toEqual([1]);
    expect(s.readAges).toEqual([[2]]);
    expect(s.ops).toEqual({ write: 1, read: 1 });
    expect(warsModel(s).assumed).toEqual([]);
  });

  it('a history without timings cannot be modelled, and says so', () => {
    const history = historyOf((h) => h.op(0, 'write', 'k', 1, 0, 10, 'ok'));
    expect(() => warsModel(warsSamples(pairOps(history), godistTimings))).toThrow(CannotPredict);
    expect(() => warsModel(warsSamples(pairOps(history), godistTimings))).toThrow(/no timed write to another node/);
  });

  it('nor can one where no other node ever answered before the coordinator replied; merged with another run it can', () => {
    const traced = (answered: boolean) => ({
      coordinator: 'n1',
      elapsedMs: 0.1,
      replicas: [
        { node: 'n1', version: 1, ok: true, sentMs: 0, answeredMs: 0.01 },
        answered ? { node: 'n2', version: 1, ok: true, sentMs: 0, leftMs: 0.05, answeredMs: 0.1 } : { node: 'n2', version: null, ok: false, sentMs: 0 },
      ],
    });
    const run = (answered: boolean) =>
      warsSamples(
        pairOps(
          historyOf((h) => {
            h.op(0, 'write', 'k', 1, 0, 1, 'ok', { node: 'n1', trace: traced(answered) });
            h.op(1, 'read', 'k', 1, 2, 3, 'ok', { node: 'n1', trace: traced(answered) });
          }),
        ),
        godistTimings,
      );
    expect(() => warsModel(run(false))).toThrow(/no write to another node was answered before its coordinator replied \(1 requests, all still pending\)/);
    const merged = mergeSamples(run(false), run(true));
    expect(merged.write.remote).toHaveLength(2);
    expect(merged.readAges).toEqual([[1], [1]]);
    expect(warsModel(merged).write.remote.censored).toBe(1);
  });
});

// ---- brute force ------------------------------------------------------------------------------

const small = model({
  write: { local: discrete([[0, 0.7], [0.5, 0.3]]), remote: discrete([[1, 0.5], [6, 0.5]]), queued: discrete([[0, 0.5], [3, 0.5]]), rest: discrete([[1, 0.6], [2, 0.4]]) },
  read: { local: discrete([[0, 1]]), remote: discrete([[1, 0.6], [4, 0.4]]), queued: discrete([[0, 0.7], [1, 0.3]]), rest: discrete([[1, 0.5], [3, 0.5]]) },
  clientWrite: discrete([[0, 0.5], [2, 0.5]]),
  clientRead: discrete([[1, 0.5], [2, 0.5]]),
});

function support(d: LatencyDistribution): [number, number][] {
  return d.values.map((v, i) => [v, d.cdf[i]! - (i === 0 ? 0 : d.cdf[i - 1]!)]);
}

/** A request's possible (round trip, arrival at the replica after sending) with probabilities. */
type Outcomes = [{ rtt: number; out: number }, number][];

function requestOutcomes(local: boolean, lat: WarsModel['write'], legs: 'inbox' | 'split', outShare: number, clientOut: number): Outcomes {
  if (local) return support(lat.local).map(([rtt, p]) => [{ rtt, out: legs === 'inbox' ? 0 : clientOut + outShare * rtt }, p]);
  if (legs === 'split') return support(lat.remote).map(([rtt, p]) => [{ rtt, out: clientOut + outShare * rtt }, p]);
  return support(lat.queued!).flatMap(([q, pq]) => support(lat.rest!).map(([r, pr]): Outcomes[number] => [{ rtt: q + r, out: clientOut + q }, pq * pr]));
}

/** Every combination of one outcome per replica, with its probability. */
function* combos(each: Outcomes[]): Generator<[{ rtt: number; out: number }[], number]> {
  if (each.length === 0) {
    yield [[], 1];
    return;
  }
  for (const [rest, p] of combos(each.slice(1))) for (const [o, q] of each[0]!) yield [[o, ...rest], p * q];
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * P(a read t ms after the acknowledgement sees the write), by enumerating coordinators, every
 * replica's latencies, the client legs and the order of equal answers, and replaying the events
 * on one clock (0: the write phase begins).
 */
function bruteForce(m: WarsModel, s: QuorumSetting, legs: 'inbox' | 'split', split: LegSplit, t: number): number {
  let fresh = 0;
  const orders = permutations(s.N);
  for (let cw = 0; cw < s.nodes; cw++) {
    for (let cr = 0; cr < s.nodes; cr++) {
      const pc = 1 / (s.nodes * s.nodes);
      const writes = Array.from({ length: s.N }, (_, i) => requestOutcomes(i === cw, m.write, legs, split.writeOut, 0));
      for (const [w, pw] of combos(writes)) {
        const committed = w.map((x) => x.rtt).sort((a, b) => a - b)[s.W - 1]!;
        for (const [cwl, pcw] of support(m.clientWrite)) {
          const readSent = committed + (1 - split.clientWriteOut) * cwl + t;
          for (const [crl, pcr] of support(m.clientRead)) {
            const reads = Array.from({ length: s.N }, (_, i) => requestOutcomes(i === cr, m.read, legs, split.readOut, split.clientReadOut * crl));
            for (const [r, pr] of combos(reads)) {
              for (const order of orders) {
                const byAnswer = Array.from({ length: s.N }, (_, i) => i).sort((a, b) => r[a]!.rtt - r[b]!.rtt || order[a]! - order[b]!);
                const saw = byAnswer.slice(0, s.R).some((i) => w[i]!.out <= readSent + r[i]!.out);
                if (saw) fresh += (pc * pw * pcw * pcr * pr) / orders.length;
              }
            }
          }
        }
      }
    }
  }
  return fresh;
}
