import { describe, expect, it } from 'vitest';
import { type ClusterObservations, type ClusterSample, type NodeEvent } from '../../harness/checks/observations.js';
import { clusterChecks } from '../../harness/checks/cluster.js';
import { buildTimelines } from '../../harness/checks/cluster-timeline.js';
import { checkElection } from '../../harness/checks/election.js';
import { faultSpans, type FaultSpan } from '../../harness/history/fault-spans.js';
import { DEFAULT_TIMINGS } from '../../harness/systems/godist/timings.js';
import { factsOf } from '../run/settings-of.js';
import { historyOf } from '../history/history-builder.js';

/**
 * The election check on hand-made sample streams: times in ms here, ns in the data. Each node is
 * sampled every 150 ms with a small per-node offset (samples of different nodes are not
 * simultaneous, as in a real run).
 */
const NODES = ['node-1', 'node-2', 'node-3'];
const EVERY = 150;
const OFFSET: Record<string, number> = { 'node-1': 0, 'node-2': 40, 'node-3': 90 };

type Belief = (ms: number) => string | null | 'paused';

function stream(beliefs: Record<string, Belief>, untilMs: number): ClusterSample[] {
  const samples: ClusterSample[] = [];
  for (const node of Object.keys(beliefs)) {
    for (let t = OFFSET[node] ?? 0; t <= untilMs; t += EVERY) {
      const leader = beliefs[node]!(t);
      if (leader === 'paused') continue;
      samples.push({ time: t * 1e6, node, leader, members: NODES.map((id) => ({ id, state: 'alive' as const, lastHeardMs: 0 })) });
    }
  }
  return samples.sort((a, b) => a.time - b.time);
}

function observations(samples: ClusterSample[], untilMs: number, events: NodeEvent[] = []): ClusterObservations {
  return { samples, events, window: { start: 0, end: untilMs * 1e6 }, intervalMs: EVERY };
}

function run(samples: ClusterSample[], faults: FaultSpan[], untilMs: number) {
  const obs = observations(samples, untilMs);
  return checkElection({ timelines: buildTimelines(obs, { nodes: NODES, faults }), faults, window: obs.window, timings: DEFAULT_TIMINGS });
}

const isolateNode3 = (fromMs: number, toMs: number) =>
  faultSpans(
    historyOf((h) => {
      h.nemesis('partition', fromMs, {
        topology: 'isolate',
        groups: [['node-3'], ['node-1', 'node-2']],
        cut: [['node-3', 'node-1'], ['node-3', 'node-2'], ['node-1', 'node-3'], ['node-2', 'node-3']],
        description: 'node-3 cut off from {node-1, node-2}',
      });
      h.nemesis('heal', toMs, { description: 'healed the partition' });
    }),
  );

describe('election check on sampled views', () => {
  it('one leader throughout: no finding', () => {
    const r = run(stream({ 'node-1': () => 'node-3', 'node-2': () => 'node-3', 'node-3': () => 'node-3' }, 5000), [], 5000);
    expect(r.findings).toEqual([]);
    expect(r.leadership).toEqual([{ node: 'node-3', start: 90e6, end: 4890e6 }]);
  });

  it('a known split brain: from the first to the last sample both claims were seen in, with the partition named', () => {
    // node-2 leads from 3500 ms to 6200 ms (its own samples show it at 3640 … 6190); node-3 leads throughout.
    const samples = stream(
      {
        'node-1': (t) => (t >= 3520 && t < 6200 ? 'node-2' : 'node-3'),
        'node-2': (t) => (t >= 3500 && t < 6200 ? 'node-2' : 'node-3'),
        'node-3': () => 'node-3',
      },
      9000,
    );
    const r = run(samples, isolateNode3(2000, 6100), 9000);
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f.type).toBe('split-brain');
    expect(f.nodes).toEqual(['node-2', 'node-3']);
    // node-2's first sample at or after 3500 is 3640 (40 + 24 × 150); its last before 6200 is 6190.
    expect(f.start).toBe(3640e6);
    expect(f.end).toBe(6190e6);
    expect(f.cause).toBe('fault');
    expect(f.explanation).toBe('node-2 and node-3 both led for 2.55 s (3.64 s–6.19 s) while {node-3} was cut off from {node-1, node-2} (2.00 s–6.10 s).');
    expect(r.splitBrainNs).toBe(2550e6);
  });

  it('a handover between two samples is not taken for a split brain (the belief between samples that differ is unknown)', () => {
    // node-2 hands over to node-3 at 2000 ms; node-3 claims from 1950 ms (a real 50 ms overlap the samples cannot date).
    const samples = stream({ 'node-1': () => 'node-2', 'node-2': (t) => (t < 2000 ? 'node-2' : 'node-3'), 'node-3': (t) => (t < 1950 ? 'node-2' : 'node-3') }, 4000);
    const r = run(samples, [], 4000);
    expect(r.findings.filter((f) => f.type === 'split-brain')).toEqual([]);
    expect(r.unknownNs).toBeGreaterThan(0);
  });

  it('a paused leader claims nothing while paused; when it resumes, its stale belief overlaps the new leader until the handover', () => {
    const pause = faultSpans(
      historyOf((h) => {
        h.nemesis('pause', 2000, { nodes: ['node-3'], description: 'paused {node-3}' });
        h.nemesis('resume', 5000, { nodes: ['node-3'], description: 'resumed {node-3}' });
      }),
    );
    const samples = stream(
      {
        'node-1': (t) => (t < 3500 ? 'node-3' : t < 5600 ? 'node-2' : 'node-3'),
        'node-2': (t) => (t < 3500 ? 'node-3' : t < 5600 ? 'node-2' : 'node-3'),
        'node-3': (t) => (t >= 2000 && t < 5000 ? 'paused' : 'node-3'),
      },
      8000,
    );
    const r = run(samples, pause, 8000);
    expect(r.findings.map((f) => f.type)).toEqual(['no-leader', 'split-brain']);
    const [none, split] = r.findings;
    // No leader from the pause until node-1's last sample that still names node-3 (3450 ms): from there
    // to node-1's next sample (3600 ms) node-1's belief is unknown, so "no leader anywhere" is not known.
    expect(none!.start).toBe(2000e6);
    expect(none!.end).toBe(3450e6);
    // (What node-3 believed while paused is unknown from samples: it answered none. Its log would say.)
    expect(none!.explanation).toBe('no running node believed itself leader for 1.45 s (2.00 s–3.45 s) while {node-3} was paused (2.00 s–5.00 s).');
    // node-3's first sample after resuming is at 5040 ms; node-2's last own claim is at 5590 ms.
    expect(split!.start).toBe(5040e6);
    expect(split!.end).toBe(5590e6);
    expect(split!.explanation).toMatch(/^node-2 and node-3 both led for 550 ms \(5\.04 s–5\.59 s\) [\d.]+ ms after \{node-3\} was resumed\.$/);
    expect(split!.cause).toBe('fault');
  });

  it('two leaders with no fault injected is a finding with no cause, and names the marks before it', () => {
    const samples = stream({ 'node-1': () => 'node-3', 'node-2': (t) => (t >= 2000 && t < 3000 ? 'node-2' : 'node-3'), 'node-3': () => 'node-3' }, 5000);
    const r = run(samples, [], 5000);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.cause).toBe('none');
    expect(r.findings[0]!.explanation).toMatch(/^node-2 and node-3 both led for .* with no fault injected near it\.$/);
  });

  it('a node that stops answering leaves its belief unknown rather than stretched over the gap', () => {
    // node-3 answers nothing between 1000 and 4000 ms although nobody paused it (a sampling gap of 3 s).
    const samples = stream({ 'node-1': () => 'node-3', 'node-2': () => 'node-3', 'node-3': (t) => (t > 1000 && t < 4000 ? 'paused' : 'node-3') }, 6000);
    const r = run(samples, [], 6000);
    expect(r.findings).toEqual([]);
    expect(r.unknownNs).toBeGreaterThan(2900e6);
  });
});

describe('election check on a system without leaders', () => {
  it('a store whose nodes never name a leader has no election to judge: nothing found, nothing promised', () => {
    const samples = stream({ 'node-1': () => null, 'node-2': () => null, 'node-3': () => null }, 3000);
    const e = clusterChecks([], factsOf({ nodes: 3, nemesis: [] }), observations(samples, 3000), []).election;
    expect(e).toMatchObject({ valid: true, promised: false, count: 0, applicable: false, reason: 'no node of godist ever named a leader: nothing to check' });
  });
});

describe('election check on logged views', () => {
  const ms = (t: number) => t * 1e6;
  const started = (node: string, t: number): NodeEvent[] => [
    ...NODES.filter((p) => p !== node).map((peer): NodeEvent => ({ time: ms(t - 1), node, event: 'member-joined', peer })),
    { time: ms(t), node, event: 'started' },
  ];
  const elected = (node: string, t: number, leader: string): NodeEvent => ({ time: ms(t), node, event: 'leader-elected', leader });

  it('intervals are exact to the logged millisecond, whatever the samples', () => {
    const events = [
      ...started('node-1', 0),
      ...started('node-2', 0),
      ...started('node-3', 0),
      elected('node-3', 600, 'node-3'),
      elected('node-1', 601, 'node-3'),
      elected('node-2', 602, 'node-3'),
      elected('node-2', 3512, 'node-2'),
      elected('node-2', 6107, 'node-3'),
    ].sort((a, b) => a.time - b.time);
    const obs: ClusterObservations = { samples: [], events, window: { start: ms(1000), end: ms(9000) }, intervalMs: EVERY };
    const faults = isolateNode3(2000, 6100);
    const r = checkElection({ timelines: buildTimelines(obs, { nodes: NODES, faults }), faults, window: obs.window, timings: DEFAULT_TIMINGS });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ type: 'split-brain', start: ms(3512), end: ms(6107), nodes: ['node-2', 'node-3'], cause: 'fault' });
    expect(r.findings[0]!.explanation).toBe('node-2 and node-3 both led for 2.60 s (3.51 s–6.11 s) while {node-3} was cut off from {node-1, node-2} (2.00 s–6.10 s).');
  });

  it('a killed leader: no leader from the kill until a survivor elects itself; the restarted process starts knowing no leader', () => {
    const history = historyOf((h) => {
      h.nemesis('kill', 2000, { nodes: ['node-3'], description: 'killed {node-3}' });
      h.nemesis('start', 5000, { nodes: ['node-3'], description: 'restarted {node-3}' });
    });
    const events = [
      ...started('node-1', 0),
      ...started('node-2', 0),
      ...started('node-3', 0),
      elected('node-3', 600, 'node-3'),
      elected('node-1', 601, 'node-3'),
      elected('node-2', 601, 'node-3'),
      elected('node-2', 3520, 'node-2'),
      elected('node-1', 3521, 'node-2'),
      ...started('node-3', 4900),
      elected('node-3', 5500, 'node-3'),
      elected('node-2', 5503, 'node-3'),
      elected('node-1', 5504, 'node-3'),
    ].sort((a, b) => a.time - b.time);
    const obs: ClusterObservations = { samples: [], events, window: { start: ms(1000), end: ms(8000) }, intervalMs: EVERY };
    const results = clusterChecks(history, factsOf({ nodes: 3, nemesis: ['kill'] }), obs, faultSpans(history));
    const e = results.election;
    expect(e.promised).toBe(false);
    expect(e.valid).toBe(true);
    expect(e.reason).toMatch(/a killed leader leaves the cluster leaderless/);
    expect(e.anomalies.map((a) => [a.type, a.time / 1e6, a['durationMs']])).toEqual([
      ['no-leader', 2000, 1520],
      ['split-brain', 5500, 3],
    ]);
    expect(e.anomalies[0]!.explanation).toBe('no running node believed itself leader for 1.52 s (2.00 s–3.52 s), until node-2 took over while {node-3} was down (killed at 2.00 s, restarted at 5.00 s).');
    expect(e.anomalies[0]!.related).toEqual([0]);
    expect(e['leadership']).toEqual([
      { node: 'node-3', fromS: 1, toS: 2 },
      { node: 'node-2', fromS: 3.52, toS: 5.503 },
      { node: 'node-3', fromS: 5.5, toS: 8 },
    ]);
  });

  it('with no faults, a split brain breaks the promise (exit 1), unless the machine did not run a node in time', () => {
    const events = [
      ...started('node-1', 0),
      ...started('node-2', 0),
      ...started('node-3', 0),
      elected('node-3', 600, 'node-3'),
      elected('node-1', 601, 'node-3'),
      elected('node-2', 601, 'node-3'),
      { time: ms(3000), node: 'node-2', event: 'suspect' as const, peer: 'node-3', from: 'alive', silenceMs: 1010 },
      elected('node-2', 3520, 'node-2'),
      elected('node-2', 3700, 'node-3'),
    ].sort((a, b) => a.time - b.time);
    const settings = factsOf({ nodes: 3, nemesis: [] });
    const sampled = (gapFrom: number, gapTo: number) =>
      stream({ 'node-1': () => 'node-3', 'node-2': () => 'node-3', 'node-3': (t) => (t > gapFrom && t < gapTo ? 'paused' : 'node-3') }, 6000);
    const obs = (samples: ClusterSample[]): ClusterObservations => ({ samples, events, window: { start: ms(1000), end: ms(6000) }, intervalMs: EVERY });

    const broken = clusterChecks([], settings, obs(sampled(0, 0)), []).election;
    expect(broken.promised).toBe(true);
    expect(broken.valid).toBe(false);
    expect(broken.anomalies[0]!.explanation).toBe(
      'node-2 and node-3 both led for 180 ms (3.52 s–3.70 s) with no fault injected near it; before it node-2 had marked node-3 suspect at 3.00 s after 1010 ms of silence.',
    );

    // node-3 left the harness unanswered for 1.35 s just before: a starved process, not the protocol.
    const busy = clusterChecks([], settings, obs(sampled(1800, 3000)), []).election;
    expect(busy.valid).toBe(true);
    expect(busy.anomalies[0]!['cause']).toBe('busy-machine');
    expect(busy.anomalies[0]!.explanation).toMatch(/with no fault injected, but node-3 left the harness's status requests unanswered for 1\.35 s from 1\.74 s \(a busy machine, not the nemesis\)\.$/);
  });
});
