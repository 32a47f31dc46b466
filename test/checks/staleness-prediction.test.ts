import { describe, expect, it } from 'vitest';
import { holdAgainstPrediction, sumGroups, type PredictedStaleness } from '../../harness/checks/staleness-prediction.js';
import { kStaleness, kStalenessByGroup, tVisibility, tVisibilityByGroup } from '../../harness/checks/staleness.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { pairOps } from '../../harness/history/pairs.js';
import { historyOf } from '../history/history-builder.js';

/**
 * Rounds 10 s apart on one key (so a read pairs with the one write before it and no other: the
 * t-visibility horizon is 5 s): a write acknowledged at 1 ms into the round, then a read 3 ms after
 * the acknowledgement (bucket 2–5 ms) that returns the new value, or the previous one when `stale`
 * says so. Fault windows from `windows`: [kind, from round, to round (exclusive)].
 */
function rounds(n: number, stale: (round: number) => boolean, windows: [string, number, number][] = []) {
  return historyOf((h) => {
    for (const [kind, from, to] of windows) {
      h.nemesis(kind, from * 10_000 + 500, { description: `${kind} of rounds ${from}–${to - 1}`, nodes: ['node-3'] });
      h.nemesis(kind === 'partition' ? 'heal' : 'start', to * 10_000 + 500, {});
    }
    for (let r = 0; r < n; r++) {
      const t = r * 10_000 + 1000;
      h.op(0, 'write', 'k', r + 1, t, t + 1);
      h.op(1, 'read', 'k', stale(r) ? (r === 0 ? null : r) : r + 1, t + 4, t + 5);
    }
  });
}

/** A prediction that says `p` in every bucket of the measured curve. */
function flat(p: number, buckets: readonly { fromMs: number; toMs: number }[]): PredictedStaleness {
  return {
    setting: { N: 3, R: 1, W: 1, nodes: 3 },
    from: 'given',
    legs: 'inbox',
    trials: 1,
    seed: 1,
    tVisibility: buckets.map((b) => ({ fromMs: b.fromMs, toMs: b.toMs, p })),
    kStaleness: [p, 1, 1, 1, 1],
    assumed: [],
  };
}

function hold(history: ReturnType<typeof rounds>, p: number) {
  const pairs = pairOps(history);
  const measured = tVisibility(pairs);
  return holdAgainstPrediction({ pairs, faults: faultSpans(history), measured, predicted: flat(p, measured.buckets) });
}

describe('t-visibility by group', () => {
  it("each read's pairs go to its group, and the groups add up to the whole curve", () => {
    const history = rounds(40, (r) => r % 3 === 0);
    const pairs = pairOps(history);
    const groups = tVisibilityByGroup(pairs, (read) => (read.start < 200_500 * 1e6 ? 0 : 1), 2);
    const whole = tVisibility(pairs);
    whole.buckets.forEach((b, i) => {
      expect(groups[0]!.buckets[i]!.pairs + groups[1]!.buckets[i]!.pairs).toBe(b.pairs);
      expect(groups[0]!.buckets[i]!.consistent + groups[1]!.buckets[i]!.consistent).toBe(b.consistent);
    });
    expect(sumGroups(groups)).toEqual(whole);
    // 20 rounds before 200.5 s, of which rounds 0, 3, ..., 18 (7) were stale.
    expect(groups[0]!.buckets.find((b) => b.fromMs === 2)).toMatchObject({ pairs: 20, consistent: 13 });
  });
});

describe('k-staleness by group', () => {
  it("each read counts in its group, and the groups add up to the whole", () => {
    const history = rounds(40, (r) => r % 3 === 0);
    const pairs = pairOps(history);
    const groups = kStalenessByGroup(pairs, (read) => (read.start < 200_500 * 1e6 ? 0 : 1), 2);
    const whole = kStaleness(pairs);
    expect(groups[0]!.reads + groups[1]!.reads).toBe(whole.reads);
    whole.behind.forEach((n, j) => expect(groups[0]!.behind[j]! + groups[1]!.behind[j]!).toBe(n));
    // Rounds 0, 3, ..., 18 (7 of the first 20) read the version before the newest: one behind.
    expect(groups[0]).toMatchObject({ reads: 20, behind: [13, 7, 0, 0, 0, 0] });
    expect(groups[0]!.share[0]).toBeCloseTo(13 / 20);
    // A group number out of range leaves the read out.
    expect(kStalenessByGroup(pairs, () => 5, 2).map((k) => k.reads)).toEqual([0, 0]);
  });
});

describe('k-staleness held against the prediction', () => {
  it('staler than predicted: counts the reads that missed the newest version by the fault window they began in', () => {
    const result = hold(rounds(40, (r) => r < 20, [['partition', 0, 20]]), 1);
    expect(result.kDeparture).toBe(
      'Staler than predicted at k = 1: 50.0% of 40 reads returned the newest acknowledged version, against 100.0% predicted. ' +
        'Of the 20 reads that missed it, 20 began in a fault window: partition · partition of rounds 0–19, 0.50 s–200.50 s (20); 0 outside any (outside them 100.0% of 20 reads were fresh).',
    );
  });

  it('names the three windows with the most stale reads, most first, and counts the rest', () => {
    const windows: [string, number, number][] = [0, 1, 2, 3, 4].map((w) => ['kill', w * 8, w * 8 + 8]);
    const staleRounds = new Set([0, 8, 9, 16, 17, 18, 24, 25, 26, 27, 32, 33, 34, 35, 36, 41, 42, 43, 44]);
    const result = hold(rounds(48, (r) => staleRounds.has(r), windows), 1);
    expect(result.kDeparture).toMatch(/Of the 19 reads that missed it, 15 began in a fault window: kill · kill of rounds 32–39[^;]*\(5\); kill · kill of rounds 24–31[^;]*\(4\); kill · kill of rounds 16–23[^;]*\(3\) and 2 more windows \(3\); 4 outside any \(outside them 50\.0% of 8 reads were fresh\)\.$/);
  });

  it('within the error, fresher, staler without faults, and too few reads each say so', () => {
    expect(hold(rounds(40, (r) => r % 2 === 0), 0.5).kDeparture).toBe('Fresh reads (k = 1) as predicted: 50.0% of 40 reads returned the newest acknowledged version, against 50.0% predicted.');
    // Two standard errors of 40 reads at 50% are 15.8 points: 62.5% is within them, 70% is not.
    expect(hold(rounds(40, (r) => r % 8 < 3), 0.5).kDeparture).toMatch(/^Fresh reads \(k = 1\) as predicted: 62\.5%/);
    expect(hold(rounds(40, (r) => r % 10 < 3), 0.5).kDeparture).toMatch(/^Fresher than predicted at k = 1: 70\.0% .* read repair/);
    expect(hold(rounds(40, (r) => r % 2 === 0), 1).kDeparture).toMatch(/^Staler than predicted at k = 1: 50\.0% .*, with no fault injected: .*version order/);
    expect(hold(rounds(10, () => false), 1).kDeparture).toBe('Too few reads followed an acknowledged write of their key (10) to hold k-staleness against the prediction: it takes 30.');
  });
});

describe('measurement held against the prediction', () => {
  it('staler than predicted: names the fault window the stale pairs fall in, and the share outside it', () => {
    // Rounds 0–19 under a partition, their reads stale; rounds 20–39 fresh.
    const result = hold(rounds(40, (r) => r < 20, [['partition', 0, 20]]), 1);
    expect(result.departure).toContain('Staler than predicted at t = 2–5 ms, 50.0% of 40 (write, read) pairs saw the write, against 100.0% predicted');
    expect(result.departure).toContain('Of the 20 stale pairs in that bucket, 20 had their read begin in a fault window: partition · partition of rounds 0–19, 0.50 s–200.50 s (20); 0 outside any');
    expect(result.departure).toContain('outside them 100.0% of 20 pairs at that t saw the write, as predicted');
    expect(result.quiet!.buckets.find((b) => b.fromMs === 2)).toMatchObject({ pairs: 20, consistent: 20 });
    expect(result.rmse).toBeCloseTo(0.5);
  });

  it('names the three windows with the most stale pairs, most first, and counts the rest', () => {
    // Five windows of 8 rounds; stale rounds: 1 in the first, 2, 3, 4, 5 in the next ones; 4 stale rounds outside.
    const windows: [string, number, number][] = [0, 1, 2, 3, 4].map((w) => ['kill', w * 8, w * 8 + 8]);
    const staleRounds = new Set([0, 8, 9, 16, 17, 18, 24, 25, 26, 27, 32, 33, 34, 35, 36, 41, 42, 43, 44]);
    const result = hold(rounds(48, (r) => staleRounds.has(r), windows), 1);
    expect(result.departure).toMatch(/Of the 19 stale pairs in that bucket, 15 had their read begin in a fault window: kill · kill of rounds 32–39[^;]*\(5\); kill · kill of rounds 24–31[^;]*\(4\); kill · kill of rounds 16–23[^;]*\(3\) and 2 more windows \(3\); 4 outside any/);
  });

  it('within the error: says so, with the RMSE', () => {
    const result = hold(rounds(40, (r) => r % 2 === 0), 0.5);
    expect(result.departure).toMatch(/^Measured as predicted: every t bucket with at least 30 pairs is within the prediction's error \(RMSE 0\.000 over the 1 t bucket/);
  });

  it('fresher than predicted, and staler without faults, each say what the model leaves out', () => {
    expect(hold(rounds(40, () => false), 0.5).departure).toMatch(/^Fresher than predicted .* read repair/);
    expect(hold(rounds(40, (r) => r % 2 === 0), 1).departure).toMatch(/^Staler than predicted .* with no fault injected: .*version order/);
  });

  it('too few pairs to compare, and no prediction, are said as such', () => {
    expect(hold(rounds(10, () => false), 1).departure).toMatch(/^Too few \(write, read\) pairs/);
    const history = rounds(40, () => false);
    const pairs = pairOps(history);
    const none = holdAgainstPrediction({ pairs, faults: [], measured: tVisibility(pairs), predicted: null, unavailable: 'the system gives no timings' });
    expect(none).toMatchObject({ predicted: null, unavailable: 'the system gives no timings', departure: 'No WARS prediction: the system gives no timings.', rmse: null });
  });
});
