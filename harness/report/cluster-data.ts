/**
 * The cluster lanes of report.html as compact data: for each node, what the nemesis did to it,
 * who it believed led, and its view of each peer, as [from, to, code] spans in seconds; the marks
 * it made (false suspicions flagged from results.json); the election findings. Pure.
 */
import type { ClusterObservations } from '../checks/observations.js';
import { runTimelines, type Span } from '../checks/cluster-timeline.js';
import type { FaultSpan } from '../history/fault-spans.js';
import type { RunResults } from '../checks/result.js';

/** A span as the page draws it: [from s, to s, code]. */
export type Band = [number, number, number];

export interface ClusterData {
  nodes: string[];
  /** Per node: 0 running, 1 paused, 2 down (killed), 3 not a member (before it joined, after it left). */
  status: Band[][];
  /** Per node: the index in `nodes` of who it believed led; −1 none known, −2 unknown. */
  leader: Band[][];
  /** views[observer][peer]: 0 alive, 1 suspect, 2 dead (unknown: no band); empty for observer = peer. */
  views: Band[][][];
  /** [time s, observer, peer, 1 suspect | 2 dead, 1 false suspicion | 0 real]. */
  marks: [number, number, number, number, number][];
  /** Where each node's view comes from: its log (exact) or the samples. */
  source: ('log' | 'samples')[];
  sampleIntervalMs: number;
  samples: number;
}

const STATUS = { running: 0, paused: 1, down: 2, absent: 3 } as const;
const STATE = { alive: 0, suspect: 1, dead: 2 } as const;

export function clusterData(obs: ClusterObservations, faults: readonly FaultSpan[], nodeCount: number | undefined, results: RunResults | null | undefined): ClusterData {
  const timelines = runTimelines(obs, faults, nodeCount);
  const nodes = timelines.map((t) => t.node);
  const at = (id: string) => nodes.indexOf(id);
  const bands = <T>(spans: readonly Span<T>[], code: (v: T) => number | undefined): Band[] =>
    spans.flatMap((s) => {
      const c = code(s.value);
      return c === undefined ? [] : [[r(s.start), r(s.end), c] as Band];
    });
  const falseMarks = new Set(
    (results?.checks['failure-detector']?.anomalies ?? []).map((a) => `${String(a['observer'])} ${String(a['peer'])} ${a.time}`),
  );
  return {
    nodes,
    status: timelines.map((t) => bands(t.status, (v) => STATUS[v])),
    leader: timelines.map((t) => bands(t.leader, (v) => (v === undefined ? -2 : v === null ? -1 : at(v) >= 0 ? at(v) : -1))),
    views: timelines.map((t) => nodes.map((p) => (p === t.node || !t.peers[p] ? [] : bands(t.peers[p]!, (v) => (v === undefined ? undefined : STATE[v]))))),
    marks: timelines.flatMap((t) =>
      t.marks.map((m): [number, number, number, number, number] => [r(m.time), at(m.observer), at(m.peer), m.state === 'dead' ? 2 : 1, falseMarks.has(`${m.observer} ${m.peer} ${m.time}`) ? 1 : 0]),
    ),
    source: timelines.map((t) => t.source),
    sampleIntervalMs: obs.intervalMs,
    samples: obs.samples.length,
  };
}

/** ns → s, to the microsecond. */
function r(ns: number): number {
  return Math.round(ns / 1e3) / 1e6;
}
