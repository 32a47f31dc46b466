import { describe, expect, it } from 'vitest';
import { clusterChecks } from '../../harness/checks/cluster.js';
import { buildTimelines } from '../../harness/checks/cluster-timeline.js';
import { checkElection } from '../../harness/checks/election.js';
import type { ClusterObservations, ClusterSample } from '../../harness/checks/observations.js';
import { faultSpans, type FaultSpan } from '../../harness/history/fault-spans.js';
import { historyOf } from '../history/history-builder.js';
import { factsOf } from '../run/settings-of.js';

/**
 * The election check for a system that numbers its elections (etcd's status: leader and term per
 * member), on hand-made samples: times in ms here. Split brain there means two members leading in
 * the same term, each seen so in two consecutive samples of its own; etcd 3.4 reports the term of
 * the last applied entry, so a new leader's first sample may still show its predecessor's term.
 */
const NODES = ['node-1', 'node-2', 'node-3'];
const EVERY = 100;
const OFFSET: Record<string, number> = { 'node-1': 0, 'node-2': 30, 'node-3': 60 };

/** What a member's status says at a moment: [leader, term], or nothing (paused). */
type Status = (ms: number) => [string | null, number] | 'silent';

function stream(statuses: Record<string, Status>, untilMs: number): ClusterSample[] {
  const samples: ClusterSample[] = [];
  for (const node of NODES) {
    for (let t = OFFSET[node]!; t <= untilMs; t += EVERY) {
      const s = statuses[node]!(t);
      if (s === 'silent') continue;
      samples.push({ time: t * 1e6, node, leader: s[0], term: s[1], members: [] });
    }
  }
  return samples.sort((a, b) => a.time - b.time);
}

const obs = (samples: ClusterSample[], untilMs: number): ClusterObservations => ({ samples, events: [], window: { start: 0, end: untilMs * 1e6 }, intervalMs: EVERY });

function election(samples: ClusterSample[], faults: FaultSpan[], untilMs: number) {
  const o = obs(samples, untilMs);
  return checkElection({
    timelines: buildTimelines(o, { nodes: NODES, faults }),
    faults,
    window: o.window,
    timings: { heartbeatMs: 50, suspectAfterMs: 1000, deadAfterMs: 1000, requestTimeoutMs: 500 },
  });
}

const isolate = (node: string, fromMs: number, toMs: number) =>
  historyOf((h) => {
    const rest = NODES.filter((n) => n !== node);
    h.nemesis('partition', fromMs, {
      topology: 'isolate',
      groups: [[node], rest],
      cut: rest.flatMap((o) => [[node, o], [o, node]]),
      description: `${node} cut off from {${rest.join(', ')}}`,
    });
    h.nemesis('heal', toMs, { description: 'healed the partition' });
  });

/** node-3 leads term 2; cut off at 1000 ms, it steps down at 1700; node-1 is elected in term 3 at 1500 ms. */
const deposed: Record<string, Status> = {
  'node-1': (t) => (t < 1500 ? ['node-3', 2] : ['node-1', 3]),
  'node-2': (t) => (t < 1500 ? ['node-3', 2] : ['node-1', 3]),
  'node-3': (t) => (t < 1700 ? ['node-3', 2] : t < 2500 ? [null, 2] : ['node-1', 3]),
};

describe('the election check with terms', () => {
  it('a deposed leader still believing it leads, in an older term, is no split brain: timed apart', () => {
    const r = election(stream(deposed, 3000), faultSpans(isolate('node-3', 1000, 2500)), 3000);
    expect(r.terms).toBe(true);
    expect(r.findings.filter((f) => f.type === 'split-brain')).toEqual([]);
    expect(r.splitBrainNs).toBe(0);
    // node-1 claims term 3 from its sample at 1500, node-3 term 2 until its last at 1660.
    expect(r.otherTermsNs).toBe(160e6);
  });

  it('the same overlap without terms (a system that does not number elections) is a split brain, as before', () => {
    const samples = stream(deposed, 3000).map(({ term: _, ...s }) => s);
    const r = election(samples, faultSpans(isolate('node-3', 1000, 2500)), 3000);
    expect(r.terms).toBe(false);
    expect(r.findings.filter((f) => f.type === 'split-brain').map((f) => [f.start / 1e6, f.end / 1e6])).toEqual([[1500, 1660]]);
  });

  it("a new leader's first sample showing its predecessor's term (etcd's applied term) is not taken for a split brain", () => {
    // node-1 is elected at 1450 ms; its status reports term 2 until its first entry of term 3 applies at 1550.
    const lagging: Record<string, Status> = {
      ...deposed,
      'node-1': (t) => (t < 1450 ? ['node-3', 2] : t < 1550 ? ['node-1', 2] : ['node-1', 3]),
    };
    const samples = stream(lagging, 3000);
    expect(samples.filter((s) => s.leader === s.node && s.term === 2 && s.time >= 1480e6 && s.time < 1700e6).map((s) => [s.node, s.time / 1e6])).toEqual([
      ['node-1', 1500],
      ['node-3', 1560],
      ['node-3', 1660],
    ]);
    const r = election(samples, faultSpans(isolate('node-3', 1000, 2500)), 3000);
    expect(r.findings.filter((f) => f.type === 'split-brain')).toEqual([]);
  });

  it('two members leading in one term, each in two consecutive samples, is split brain, named with its term', () => {
    const twoInTerm2: Record<string, Status> = {
      ...deposed,
      'node-1': (t) => (t < 1500 ? ['node-3', 2] : t < 1800 ? ['node-1', 2] : ['node-1', 3]),
    };
    const r = election(stream(twoInTerm2, 3000), faultSpans(isolate('node-3', 1000, 2500)), 3000);
    const split = r.findings.filter((f) => f.type === 'split-brain');
    expect(split).toHaveLength(1);
    expect(split[0]).toMatchObject({ term: 2, nodes: ['node-1', 'node-3'], start: 1500e6, end: 1660e6 });
    expect(split[0]!.explanation).toMatch(/^node-1 and node-3 both led in term 2 for 160 ms \(1\.50 s–1\.66 s\) while \{node-3\} was cut off/);
  });

  it("for etcd a same-term split brain breaks Raft's promise even under a partition; a leaderless election does not", () => {
    const history = isolate('node-3', 1000, 2500);
    const facts = factsOf({ system: 'etcd', nodes: 3, nemesis: ['partition'] });
    const withLeaderless: Record<string, Status> = {
      'node-1': (t) => (t < 1200 ? ['node-3', 2] : t < 1500 ? [null, 2] : ['node-1', 3]),
      'node-2': (t) => (t < 1200 ? ['node-3', 2] : t < 1500 ? [null, 2] : ['node-1', 3]),
      'node-3': (t) => (t < 1100 ? ['node-3', 2] : t < 2500 ? [null, 2] : ['node-1', 3]),
    };
    const kept = clusterChecks(history, facts, obs(stream(withLeaderless, 3000), 3000), faultSpans(history)).election;
    expect(kept.promised).toBe(true);
    expect(kept.valid).toBe(true);
    expect(kept.reason).toMatch(/^Raft's election safety/);
    expect(kept.anomalies.map((a) => [a.type, a['expected']])).toEqual([['no-leader', true]]);
    expect(kept['noLeaderS']).toBeGreaterThan(0.1);

    const twoInTerm2: Record<string, Status> = { ...deposed, 'node-2': (t) => (t < 1500 ? ['node-3', 2] : t < 1900 ? ['node-2', 2] : ['node-1', 3]) };
    const broken = clusterChecks(history, facts, obs(stream(twoInTerm2, 3000), 3000), faultSpans(history)).election;
    expect(broken.valid).toBe(false);
    expect(broken.anomalies.find((a) => a.type === 'split-brain')).toMatchObject({ term: 2, expected: false, cause: 'fault' });
  });

  it("for etcd the failure-detector check is not applicable, in etcd's own words", () => {
    const history = isolate('node-3', 1000, 2500);
    const fd = clusterChecks(history, factsOf({ system: 'etcd', nodes: 3, nemesis: ['partition'] }), obs(stream(deposed, 3000), 3000), faultSpans(history))['failure-detector'];
    expect(fd).toMatchObject({ applicable: false, valid: true, count: 0 });
    expect(fd.reason).toMatch(/^etcd has no failure detector whose marks could be judged/);
  });
});
