import { describe, expect, it } from 'vitest';
import type { ClusterObservations, ClusterSample } from '../../harness/checks/observations.js';
import { buildTimelines, statusOf } from '../../harness/checks/cluster-timeline.js';
import { checkElection } from '../../harness/checks/election.js';
import { checkFailureDetector } from '../../harness/checks/failure-detector.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { DEFAULT_TIMINGS } from '../../harness/systems/godist/timings.js';
import { historyOf } from '../history/history-builder.js';

/**
 * Membership changes as the cluster checks see them: a join or a leave is an instant in the
 * nemesis's record; a node is not a member (absent) before it joins and after it leaves, claims
 * nothing then, and a mark of a member that left is no false suspicion. Times in ms here.
 */
const ms = (t: number) => t * 1e6;

const history = historyOf((h) => {
  h.nemesis('join', 1000, { node: 'node-4', nodes: ['node-4'], members: ['node-1', 'node-2', 'node-3', 'node-4'], description: 'node-4 joined' });
  h.nemesis('kill', 1500, { nodes: ['node-1'], description: 'killed {node-1}' });
  h.nemesis('start', 1800, { nodes: ['node-1'], description: 'restarted {node-1}' });
  h.nemesis('leave', 3000, { node: 'node-4', nodes: ['node-4'], members: ['node-1', 'node-2', 'node-3'], description: 'node-4 left' });
});

describe('membership changes in the nemesis record', () => {
  it('a join and a leave are instants naming the node; the faults around them keep their spans', () => {
    expect(faultSpans(history).map((f) => [f.kind, f.start / 1e6, f.end / 1e6, f.nodes])).toEqual([
      ['join', 1000, 1000, ['node-4']],
      ['kill', 1500, 1800, ['node-1']],
      ['leave', 3000, 3000, ['node-4']],
    ]);
  });

  it('a node is absent before it joins and after it leaves, running between', () => {
    const faults = faultSpans(history);
    expect(statusOf('node-4', faults, 0, ms(5000)).map((s) => [s.start / 1e6, s.end / 1e6, s.value])).toEqual([
      [0, 1000, 'absent'],
      [1000, 3000, 'running'],
      [3000, 5000, 'absent'],
    ]);
    expect(statusOf('node-1', faults, 0, ms(5000)).map((s) => s.value)).toEqual(['running', 'down', 'running']);
  });
});

describe('the cluster checks around membership changes', () => {
  const nodes = ['node-1', 'node-2', 'node-3', 'node-4'];
  /** Every node sampled every 150 ms while a member; node-4 leads from its join until it leaves, node-3 after. */
  function samples(peerState: (observer: string, peer: string, t: number) => 'alive' | 'suspect' | undefined): ClusterSample[] {
    const out: ClusterSample[] = [];
    for (const node of nodes) {
      for (let t = 0; t <= 5000; t += 150) {
        if (node === 'node-4' && (t < 1000 || t >= 3000)) continue;
        const leader = t < 1100 ? 'node-3' : t < 3000 ? 'node-4' : t < 3600 ? null : 'node-3';
        const members = nodes.flatMap((id) => {
          const s = id === node ? 'alive' : peerState(node, id, t);
          return s ? [{ id, state: s, lastHeardMs: s === 'suspect' ? 1100 : 20 }] : [];
        });
        out.push({ time: ms(t), node, leader, members });
      }
    }
    return out.sort((a, b) => a.time - b.time);
  }
  const member = (peer: string, t: number) => peer !== 'node-4' || (t >= 1000 && t < 3000);

  it('a leader that leaves leaves no leader until another elects itself: a finding the leave explains, and a node absent claims nothing', () => {
    const obs: ClusterObservations = { samples: samples((_, p, t) => (member(p, t) ? 'alive' : undefined)), events: [], window: { start: 0, end: ms(5000) }, intervalMs: 150 };
    const faults = faultSpans(history);
    const timelines = buildTimelines(obs, { nodes, faults });
    const r = checkElection({ timelines, faults, window: obs.window, timings: DEFAULT_TIMINGS });
    const noLeader = r.findings.filter((f) => f.type === 'no-leader');
    expect(noLeader.map((f) => [f.start / 1e6, f.nodes])).toEqual([[3000, ['node-1', 'node-2', 'node-3']]]);
    expect(noLeader[0]!.cause).toBe('fault');
    expect(noLeader[0]!.explanation).toMatch(/ when node-4 left the cluster \(at 3\.00 s\)\.$/);
    expect(r.leadership.map((l) => l.node)).toEqual(['node-3', 'node-4', 'node-3']);
  });

  it('a member that missed the announcement and marks the leaver suspect marks it rightly: it had left', () => {
    // node-1 never heard that node-4 left: it suspects it 1.1 s later.
    const obs: ClusterObservations = {
      samples: samples((o, p, t) => (p === 'node-4' && o === 'node-1' && t >= 4100 ? 'suspect' : member(p, t) || (p === 'node-4' && o === 'node-1' && t >= 3000) ? 'alive' : undefined)),
      events: [],
      window: { start: 0, end: ms(5000) },
      intervalMs: 150,
    };
    const faults = faultSpans(history);
    const r = checkFailureDetector({ timelines: buildTimelines(obs, { nodes, faults }), faults, window: obs.window, timings: DEFAULT_TIMINGS });
    expect(r.marks.map((m) => [m.observer, m.peer, m.state, m.real, m.cause])).toEqual([['node-1', 'node-4', 'suspect', true, 'peer-left']]);
    expect(r.marks[0]!.explanation).toMatch(/rightly: node-4 had left the cluster at 3\.00 s/);
    expect(r.falseSuspicions).toEqual([]);
  });
});
