import { describe, expect, it } from 'vitest';
import { pairOps } from '../../harness/history/pairs.js';
import { compareSettings, predictSettings } from '../../harness/run/compare-settings.js';
import { comparePredictions, runStaleness } from '../../harness/run/predict-staleness.js';
import { resolveSettings } from '../../harness/run/run-settings.js';
import { UsageError } from '../../harness/shared/usage-error.js';
import type { ReplicaTrace } from '../../harness/systems/godist/trace.js';
import { historyOf } from '../history/history-builder.js';
import { settingsOf } from './settings-of.js';

/**
 * A quiet run on 3 nodes as GoDist's coordinator traces it, every op coordinated by node-1:
 * node-1's own replica answers in 0.05 ms; node-2's request leaves after 0.1 ms and answers at
 * 1 ms; node-3's leaves after 0.1 ms and answers at 2 ms. The coordinator replies at the `quorum`-th
 * answer, so the replicas after it are still pending in the trace.
 */
function quietRun(quorum: number, rounds = 60) {
  const answers: [string, number][] = [['node-1', 0.05], ['node-2', 1], ['node-3', 2]];
  const elapsedMs = answers[quorum - 1]![1];
  const trace = (): ReplicaTrace => ({
    coordinator: 'node-1',
    elapsedMs,
    replicas: answers.map(([node, at]) => ({
      node,
      version: 1,
      ok: true,
      sentMs: 0,
      ...(node !== 'node-1' ? { leftMs: 0.1 } : {}),
      ...(at <= elapsedMs ? { answeredMs: at } : {}),
    })),
  });
  return historyOf((h) => {
    for (let r = 0; r < rounds; r++) {
      const t = r * 100;
      h.op(0, 'write', 'k', r + 1, t, t + elapsedMs + 0.5, 'ok', { node: 'node-1', trace: trace() });
      h.op(1, 'read', 'k', r + 1, t + 10, t + 10 + elapsedMs + 0.5, 'ok', { node: 'node-1', trace: trace() });
    }
  });
}

const s311 = settingsOf({ nodes: 3, N: 3, R: 1, W: 1, seed: 5 });
const s322 = settingsOf({ nodes: 3, N: 3, R: 2, W: 2, seed: 5 });

describe("a run's staleness prediction", () => {
  it('predicts from the run\'s own latencies; R + W > N predicts every read fresh, at every t and every k', () => {
    const { prediction, samples } = runStaleness(s322, quietRun(2), undefined, { trials: 2000 });
    expect(samples!.faulted).toBe(false);
    expect(prediction.unavailable).toBeNull();
    expect(prediction.predicted!.from).toBe("this run's latencies (60 writes and 60 reads timed)");
    expect(prediction.predicted!.tVisibility.every((b) => b.p === 1)).toBe(true);
    expect(prediction.predicted!.kStaleness).toEqual([1, 1, 1, 1, 1]);
  });

  it('is seeded: the same run gives the same prediction', () => {
    const a = runStaleness(s311, quietRun(2), undefined, { trials: 2000 });
    const b = runStaleness(s311, quietRun(2), undefined, { trials: 2000 });
    expect(a.prediction).toEqual(b.prediction);
  });

  it("says why when the run's own latencies cannot predict, and how a comparison can", () => {
    // At 3/1/1 on 3 nodes every coordinator replies on its own replica: no other node's latency is known.
    const { prediction, cannot } = runStaleness(s311, quietRun(1), undefined, { trials: 2000 });
    expect(prediction.predicted).toBeNull();
    expect(cannot).toMatch(/no write to another node was answered before its coordinator replied/);
    expect(prediction.unavailable).toContain('godist compare --settings 3/1/1,3/2/2');
    expect(prediction.departure).toMatch(/^No WARS prediction: /);
  });

  it('a system without replica timings gets no prediction, and the reason names what is missing', () => {
    const command = resolveSettings({ nodes: 3, nemesis: [], system: 'command', nodeCommand: 'node x.js --id {id} --addr {addr}', N: 3, R: 1, W: 1 });
    const { prediction, samples } = runStaleness(command, quietRun(2));
    expect(samples).toBeNull();
    expect(prediction.unavailable).toBe("command gives no per-replica timings of its coordinators, which PBS's WARS model predicts from");
  });

  it('takes the latencies outside fault windows when a run had faults', () => {
    const history = quietRun(2);
    const withFault = historyOf((h) => {
      h.nemesis('partition', 1000, { description: 'isolate node-3', nodes: ['node-3'] });
      h.nemesis('heal', 2000, {});
    });
    const merged = [...history, ...withFault.map((o) => ({ ...o }))].sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }));
    const { prediction, samples } = runStaleness(s322, merged, pairOps(merged), { trials: 2000 });
    expect(samples!.faulted).toBe(true);
    // Rounds 10–19 (1.0–2.0 s) ran inside the window: 50 writes are left outside it.
    expect(samples!.quiet.ops.write).toBe(50);
    expect(prediction.predicted!.from).toBe("this run's latencies outside fault windows (50 writes and 50 reads timed)");
    expect(prediction.quiet).not.toBeNull();
  });
});

describe('a comparison pools its runs', () => {
  it("a run that cannot predict alone is predicted from the pool; --predict settings are predicted from it, with the closed form beside", () => {
    const runs = [runStaleness(s311, quietRun(1)), runStaleness(s322, quietRun(2))];
    const toPredict = predictSettings(s311, '3/2/2,3/1/3', compareSettings(s311, '3/1/1,3/2/2'));
    const { runs: fromPool, predicted } = comparePredictions(runs, toPredict, 5, { trials: 2000 });
    expect(fromPool[1]).toBeNull(); // 3/2/2 keeps its own
    expect(fromPool[0]!.predicted!.from).toMatch(/^the latencies of the 2 runs of this comparison, pooled \(120 writes and 120 reads timed\); its own alone cannot predict: no write to another node/);
    expect(predicted.map((p) => [p.text, p.label])).toEqual([['3/2/2', 'godist 3/2/2'], ['3/1/3', 'godist 3/1/3']]);
    for (const p of predicted) {
      expect(p.predicted!.tVisibility.every((b) => b.p === 1)).toBe(true); // R + W > N
      expect(p.kClosedForm).toEqual([1, 1, 1, 1, 1]);
    }
    // Seeded: the same runs give the same predictions.
    expect(comparePredictions(runs, toPredict, 5, { trials: 2000 })).toEqual({ runs: fromPool, predicted });
  });

  it('with no run that has timings, a --predict setting says why it has no prediction', () => {
    const toPredict = predictSettings(s311, '3/1/2', compareSettings(s311, '3/1/1'));
    const { predicted } = comparePredictions([runStaleness(s311, historyOf(() => {}))], toPredict, 5);
    expect(predicted[0]).toMatchObject({ predicted: null });
    expect(predicted[0]!.unavailable).toMatch(/no timed write to another node/);
  });
});

describe('--predict', () => {
  const plan = compareSettings(s311, '3/1/1');
  it('takes N/R/W entries on the comparison\'s nodes', () => {
    expect(predictSettings(s311, ' 3/1/2, 2/1/1', plan).map((p) => p.setting)).toEqual([
      { N: 3, R: 1, W: 2, nodes: 3 },
      { N: 2, R: 1, W: 1, nodes: 3 },
    ]);
  });

  it('rejects a bad entry with one line naming it and what would be right', () => {
    for (const [bad, why] of [
      ['', /--predict is empty/],
      ['3/1', /--predict entry "3\/1" is not N\/R\/W/],
      ['3/x/1', /"3\/x\/1" is not N\/R\/W/],
      ['3/1/1.5', /is not N\/R\/W/],
      ['3/4/1', /"3\/4\/1": R=4 exceeds N=3/],
      ['5/2/2', /"5\/2\/2": N=5 exceeds nodes=3/],
      ['3/0/1', /R=0 must be a whole number ≥ 1/],
    ] as const) {
      expect(() => predictSettings(s311, bad, plan)).toThrow(UsageError);
      expect(() => predictSettings(s311, bad, plan)).toThrow(why);
    }
  });

  it('needs a setting of a system that reports replica timings', () => {
    const command = resolveSettings({ nodes: 3, nemesis: [], system: 'command', nodeCommand: 'node x.js --id {id} --addr {addr}', N: 3, R: 1, W: 1 });
    expect(() => predictSettings(command, '3/1/2', compareSettings(command, '3/1/1'))).toThrow(/--predict needs a run whose system reports per-replica timings/);
  });
});
