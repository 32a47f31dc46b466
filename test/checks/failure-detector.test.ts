import { describe, expect, it } from 'vitest';
import { type ClusterObservations, type ClusterSample, type NodeEvent } from '../../harness/checks/observations.js';
import { clusterChecks } from '../../harness/checks/cluster.js';
import { buildTimelines, disturbances } from '../../harness/checks/cluster-timeline.js';
import { checkFailureDetector } from '../../harness/checks/failure-detector.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import type { HistoryOp } from '../../harness/history/op.js';
import type { MemberState } from '../../harness/systems/types.js';
import { DEFAULT_TIMINGS, nodeTimings } from '../../harness/systems/godist/timings.js';
import { factsOf } from '../run/settings-of.js';
import { historyOf } from '../history/history-builder.js';

/**
 * The failure-detector check on hand-made views: every node is sampled every 150 ms; `seen(observer,
 * peer, ms)` says what the observer reports of the peer at that moment and `silence` how long it had
 * not heard from it. Times are ms here, ns in the data.
 */
const NODES = ['node-1', 'node-2', 'node-3'];
const EVERY = 150;
const ms = (t: number) => t * 1e6;

type Seen = (observer: string, peer: string, t: number) => { state: MemberState; silence: number } | undefined;

function stream(seen: Seen, untilMs: number, answers: (node: string, t: number) => boolean = () => true): ClusterSample[] {
  const samples: ClusterSample[] = [];
  NODES.forEach((node, i) => {
    for (let t = 10 * i; t <= untilMs; t += EVERY) {
      if (!answers(node, t)) continue;
      const members = NODES.map((id) => {
        const v = id === node ? { state: 'alive' as const, silence: 0 } : (seen(node, id, t) ?? { state: 'alive' as const, silence: 50 });
        return { id, state: v.state, lastHeardMs: v.silence };
      });
      samples.push({ time: ms(t), node, leader: 'node-3', members, rttMs: 2 });
    }
  });
  return samples.sort((a, b) => a.time - b.time);
}

function check(samples: ClusterSample[], history: HistoryOp[], untilMs: number, events: NodeEvent[] = []) {
  const obs: ClusterObservations = { samples, events, window: { start: 0, end: ms(untilMs) }, intervalMs: EVERY };
  const faults = faultSpans(history);
  const timelines = buildTimelines(obs, { nodes: NODES, faults });
  return checkFailureDetector({ timelines, faults, window: obs.window, timings: DEFAULT_TIMINGS, disturbances: disturbances(timelines, samples, obs.window, 600) });
}

/** Silence grows from `fromMs`; suspect past 1000 ms of it, dead past 3000, until `toMs`. */
function silentFrom(fromMs: number, toMs: number) {
  return (t: number) => {
    if (t < fromMs || t >= toMs) return undefined;
    const silence = t - fromMs;
    return { state: (silence >= 3000 ? 'dead' : silence >= 1000 ? 'suspect' : 'alive') as MemberState, silence };
  };
}

describe('failure-detector check on sampled views', () => {
  it('a killed peer: both observers mark it rightly; detection latency is counted from the kill', () => {
    const history = historyOf((h) => {
      h.nemesis('kill', 2000, { nodes: ['node-3'], description: 'killed {node-3}' });
      h.nemesis('start', 6000, { nodes: ['node-3'], description: 'restarted {node-3}' });
    });
    // Each observer last heard node-3 at 1950 ms.
    const seen: Seen = (o, p, t) => (p === 'node-3' ? silentFrom(1950, 6050)(t) : undefined);
    const r = check(stream(seen, 8000, (node, t) => node !== 'node-3' || t < 2000 || t > 6000), history, 8000);
    expect(r.marks.map((m) => [m.observer, m.peer, m.state, m.time / 1e6, m.real, m.cause])).toEqual([
      ['node-1', 'node-3', 'suspect', 3000, true, 'peer-killed'],
      ['node-2', 'node-3', 'suspect', 3010, true, 'peer-killed'],
      ['node-1', 'node-3', 'dead', 4950, true, 'peer-killed'],
      ['node-2', 'node-3', 'dead', 4960, true, 'peer-killed'],
    ]);
    expect(r.falseSuspicions).toEqual([]);
    expect(r.detections.map((d) => [d.observer, d.suspectNs! / 1e6, d.deadNs! / 1e6])).toEqual([
      ['node-1', 1000, 2950],
      ['node-2', 1010, 2960],
    ]);
    expect(r.latencyMs.suspect).toEqual({ count: 2, p50: 1000, p90: 1010, max: 1010 });
    expect(r.missed).toEqual({ suspect: 0, dead: 0 });
    expect(r.marks[0]!.explanation).toBe('node-1 marked node-3 suspect at 3.00 s after 1050 ms of silence, rightly: while {node-3} was down (killed at 2.00 s, restarted at 6.00 s).');
  });

  it('a known false suspicion: no fault, both nodes answering the harness promptly', () => {
    const seen: Seen = (o, p, t) => (o === 'node-1' && p === 'node-2' ? silentFrom(2000, 3200)(t) : undefined);
    const r = check(stream(seen, 6000), [], 6000);
    expect(r.falseSuspicions).toHaveLength(1);
    const f = r.falseSuspicions[0]!;
    expect([f.observer, f.peer, f.state, f.time / 1e6, f.cause]).toEqual(['node-1', 'node-2', 'suspect', 3000, 'unexplained']);
    expect(f.explanation).toBe(
      'node-1 marked node-2 suspect at 3.00 s after 1000 ms of silence, but node-2 was running and within its hearing: no fault was injected near it, and both answered the harness promptly throughout.',
    );
    expect(r.falsePerMinute).toBeCloseTo(10, 5);
  });

  it('a node that left the harness unanswered during the silence makes it the machine, not the detector', () => {
    const seen: Seen = (o, p, t) => (o === 'node-1' && p === 'node-2' ? silentFrom(2000, 3200)(t) : undefined);
    const r = check(stream(seen, 6000, (node, t) => node !== 'node-2' || t < 2000 || t > 2900), [], 6000);
    expect(r.falseSuspicions[0]!.cause).toBe('busy-machine');
    expect(r.falseSuspicions[0]!.explanation).toMatch(/no fault was injected, but node-2 left the harness's status requests unanswered for 1\.05 s from 1\.96 s \(a busy machine\)\.$/);
  });

  it('a partition: a link cut both ways puts the peer out of hearing; cut one way, heartbeats still flow the other', () => {
    const history = historyOf((h) => {
      h.nemesis('partition', 2000, {
        topology: 'custom',
        groups: [['node-3'], ['node-1', 'node-2']],
        // node-3 cannot reach anyone; node-1 ↔ node-2 is cut both ways as well.
        cut: [['node-3', 'node-1'], ['node-3', 'node-2'], ['node-1', 'node-2'], ['node-2', 'node-1']],
        description: 'test topology',
      });
      h.nemesis('heal', 5000, { description: 'healed the partition' });
    });
    const seen: Seen = (o, p, t) => ((o === 'node-1' && p === 'node-2') || (o === 'node-1' && p === 'node-3') ? silentFrom(1980, 5100)(t) : undefined);
    const r = check(stream(seen, 7000), history, 7000);
    const byPeer = Object.fromEntries(r.marks.filter((m) => m.state === 'suspect').map((m) => [m.peer, m.cause]));
    expect(byPeer).toEqual({ 'node-2': 'cut-off', 'node-3': 'one-way-cut' });
    const oneWay = r.falseSuspicions.find((m) => m.peer === 'node-3')!;
    expect(oneWay.explanation).toMatch(/only one direction was cut and node-1 → node-3 still carried heartbeats, while the partition "test topology" held/);
    // Detection: only the pairs cut both ways count (node-1 of node-2, node-2 of node-1).
    expect(r.detections.map((d) => `${d.observer}→${d.peer}`).sort()).toEqual(['node-1→node-2', 'node-2→node-1']);
    expect(r.missed.suspect).toBe(1); // node-2 never marked node-1 in this stream, over a 3 s cut
  });

  it('delayed links and a paused observer are the usual causes of false suspicions', () => {
    const history = historyOf((h) => {
      h.nemesis('delay', 1000, { links: [['node-2', 'node-1'], ['node-1', 'node-2']], ms: 400, jitterMs: 200, description: 'links of node-2 delayed by 400 ± 200 ms' });
      h.nemesis('heal', 3000, { description: 'removed the delay' });
      h.nemesis('pause', 4000, { nodes: ['node-3'], description: 'paused {node-3}' });
      h.nemesis('resume', 4800, { nodes: ['node-3'], description: 'resumed {node-3}' });
      h.nemesis('pause', 6000, { nodes: ['node-2'], description: 'paused {node-2}' });
      h.nemesis('resume', 7500, { nodes: ['node-2'], description: 'resumed {node-2}' });
    });
    const seen: Seen = (o, p, t) => {
      if (o === 'node-1' && p === 'node-2' && t < 5000) return silentFrom(1500, 2700)(t); // during the delay
      if (o === 'node-3' && p === 'node-1') return silentFrom(3900, 5200)(t); // node-3 paused 0.8 s, too short to forgive
      if (o === 'node-1' && p === 'node-2') return silentFrom(5990, 7700)(t); // node-2 paused; marked 1 s in
      return undefined;
    };
    const r = check(stream(seen, 9000, (node, t) => !(node === 'node-3' && t > 4000 && t < 4800) && !(node === 'node-2' && t > 6000 && t < 7500)), history, 9000);
    const causes = r.marks.map((m) => `${m.observer}→${m.peer} ${m.state} ${m.cause}`);
    expect(causes).toEqual(['node-1→node-2 suspect delayed-links', 'node-3→node-1 suspect observer-paused', 'node-1→node-2 suspect peer-paused']);
    expect(r.falseSuspicions.map((m) => m.cause)).toEqual(['delayed-links', 'observer-paused']);
    expect(r.falseSuspicions[1]!.explanation).toMatch(/node-3 itself was paused from 4\.00 s to 4\.80 s and counted its own gap as node-1's silence\.$/);
    expect(r.detections.find((d) => d.peer === 'node-2')!.suspectNs).toBe(ms(1050));
  });
  it('a mark whose silence began within a heartbeat and a request timeout after the fault ended is still the fault\'s', () => {
    const history = historyOf((h) => {
      h.nemesis('pause', 2000, { nodes: ['node-2'], description: 'paused {node-2}' });
      h.nemesis('resume', 5000, { nodes: ['node-2'], description: 'resumed {node-2}' });
    });
    // node-1 heard node-2 last at 5600 ms (600 ms after the resume: within 200 + 500 ms) and marks it at 6600 ms.
    const late: Seen = (o, p, t) => (o === 'node-1' && p === 'node-2' ? silentFrom(5600, 6700)(t) : undefined);
    expect(check(stream(late, 8000), history, 8000).marks[0]!.cause).toBe('peer-paused');
    // Heard last at 5800 ms (800 ms after): no longer the pause's doing.
    const later: Seen = (o, p, t) => (o === 'node-1' && p === 'node-2' ? silentFrom(5800, 7100)(t) : undefined);
    expect(check(stream(later, 8000), history, 8000).marks[0]!.cause).toBe('unexplained');
  });
});

describe('failure-detector check in results.json', () => {
  const started = (node: string, t: number): NodeEvent[] => [
    ...NODES.filter((p) => p !== node).map((peer): NodeEvent => ({ time: ms(t - 1), node, event: 'member-joined', peer })),
    { time: ms(t), node, event: 'started' },
  ];
  const events: NodeEvent[] = [
    ...started('node-1', 0),
    ...started('node-2', 0),
    ...started('node-3', 0),
    { time: ms(3000), node: 'node-1', event: 'suspect', peer: 'node-2', from: 'alive', silenceMs: 1004, reason: 'no heartbeat for 1004ms (suspect after 1000ms)' },
    { time: ms(3100), node: 'node-1', event: 'alive', peer: 'node-2', from: 'suspect', silenceMs: 1104 },
  ];
  const obs = (samples: ClusterSample[]): ClusterObservations => ({ samples, events, window: { start: ms(500), end: ms(6500) }, intervalMs: EVERY });
  const quiet = stream(() => undefined, 6500);

  it('no faults, default timings: a false suspicion breaks the promise; on a starved node it is listed, not failed', () => {
    const broken = clusterChecks([], factsOf({ nodes: 3, nemesis: [] }), obs(quiet), [])['failure-detector'];
    expect(broken).toMatchObject({ promised: true, valid: false, count: 1, marks: 1, realMarks: 0, falseSuspicionsPerMinute: 10 });
    expect(broken.anomalies[0]).toMatchObject({ type: 'false-suspicion', observer: 'node-1', peer: 'node-2', state: 'suspect', silenceMs: 1004, cause: 'unexplained', exact: true, expected: false });

    const starved = stream(() => undefined, 6500, (node, t) => node !== 'node-2' || t < 1900 || t > 2900);
    const excused = clusterChecks([], factsOf({ nodes: 3, nemesis: [] }), obs(starved), [])['failure-detector'];
    expect(excused.valid).toBe(true);
    expect(excused.anomalies[0]).toMatchObject({ cause: 'busy-machine', expected: true });
  });

  it('tight timings, chaos or faults promise nothing, and say why', () => {
    const tight = clusterChecks([], factsOf({ nodes: 3, nemesis: [], nodeArgs: ['--suspect-after-ms', '250', '--heartbeat-ms', '50'] }), obs(quiet), [])['failure-detector'];
    expect(tight.promised).toBe(false);
    expect(tight.valid).toBe(true);
    expect(tight.reason).toMatch(/suspect after 250 ms of silence, heartbeats every 50 ms leaves little slack/);
    expect(tight['timings']).toEqual({ ...DEFAULT_TIMINGS, suspectAfterMs: 250, heartbeatMs: 50 });
    const chaos = clusterChecks([], factsOf({ nodes: 3, nemesis: [], chaos: true }), obs(quiet), [])['failure-detector'];
    expect(chaos.promised).toBe(false);
    expect(chaos.anomalies[0]!['cause']).toBe('chaos');
  });

  it('reads the timing flags as the node does, in either spelling', () => {
    expect(nodeTimings(['--heartbeat-ms', '100', '--dead-after-ms=900', '-suspect-after-ms', '300', '--chaos'])).toEqual({ ...DEFAULT_TIMINGS, heartbeatMs: 100, suspectAfterMs: 300, deadAfterMs: 900 });
  });
});
