/**
 * Each node's view of the cluster over time, rebuilt from what the harness observed: who it
 * believed led, what state it gave each peer, and the suspect/dead marks it made; beside what the
 * harness did to it (running, paused, killed). Pure: observations and nemesis windows in, plain
 * data out. The election and failure-detector checks and the report's cluster lanes read these.
 *
 * Two sources, and how a view is formed from each:
 * - A node's own log (`log`): every change of leader and of peer state is logged with its time, so
 *   a belief holds from the event that set it until the next one: exact to the millisecond.
 * - Samples of each node's view (`samples`), for a node whose log was not read: between two
 *   consecutive samples of the node that agree (and are at most `maxGapMs` apart) the node held
 *   that belief throughout; between two that differ, it changed at a moment we do not know, and the
 *   belief there is unknown (undefined). So a sampled interval is never longer than what was seen,
 *   only shorter, by up to one sampling period at each end. A mark (suspect, dead) is dated at the
 *   first sample that shows it: late by up to one period.
 * Either way, a node holds no claim while the nemesis has it paused or killed: a paused node keeps
 * its stale belief in memory but can act on none; when it resumes, the belief is back.
 */
import type { ClusterObservations, ClusterSample, NodeEvent } from './observations.js';
import type { FaultSpan } from '../history/fault-spans.js';
import { nodeIds } from '../run/settings.js';
import type { DetectorTimings, MemberState } from '../systems/types.js';

/** What the nemesis did to a node; `absent`: not a member (before it joined, after it left). */
export type NodeStatus = 'running' | 'paused' | 'down' | 'absent';

/** A value held over [start, end) in ns since the run began; undefined: not known. */
export interface Span<T> {
  start: number;
  end: number;
  value: T;
}

/** A suspect or dead mark one node made of a peer. */
export interface Mark {
  time: number;
  observer: string;
  peer: string;
  state: 'suspect' | 'dead';
  /** The state it left (alive, suspect). */
  from?: string;
  /** How long the observer had not heard from the peer when it marked it (ms). */
  silenceMs?: number;
  reason?: string;
  /** true: from the node's log (exact); false: from samples (dated at the first sample showing it). */
  exact: boolean;
}

export interface NodeTimeline {
  node: string;
  source: 'log' | 'samples';
  status: Span<NodeStatus>[];
  /** Who it believed led (itself when it believed it led; null when it knew of none). */
  leader: Span<string | null | undefined>[];
  /**
   * The election term it reported, for a system that numbers its elections (Raft); absent for one
   * that does not. Known only between two consecutive samples that agree, as the leader is.
   */
  term?: Span<number | undefined>[];
  /** Its view of each other member. */
  peers: Record<string, Span<MemberState | undefined>[]>;
  marks: Mark[];
  /** When it logged that it had not run for a while (its own stall: [time - gapMs, time]). */
  stalls: { start: number; end: number }[];
}

export interface TimelineOptions {
  /** Every node id of the run. */
  nodes: readonly string[];
  faults: readonly FaultSpan[];
  /** Two samples further apart than this say nothing about the time between them. */
  maxGapMs?: number;
}

const DEFAULT_MAX_GAP_MS = 1000;

/**
 * The timelines of a run, as its checks and its report read them: node-1 … node-`nodeCount`, then
 * any other node the observations name; samples of a node more than six sampling periods apart (and
 * at least 1 s) say nothing about the time between them.
 */
export function runTimelines(obs: ClusterObservations, faults: readonly FaultSpan[], nodeCount = 0): NodeTimeline[] {
  // The checks and the report ask for the same run's timelines: built once (they are read, never changed).
  const last = builtFor.get(obs);
  if (last && last.faults === faults && last.nodeCount === nodeCount) return last.timelines;
  const nodes = nodeIds(nodeCount);
  for (const n of [...obs.samples.map((s) => s.node), ...obs.events.map((e) => e.node)]) if (!nodes.includes(n)) nodes.push(n);
  const timelines = buildTimelines(obs, { nodes, faults, maxGapMs: Math.max(1000, 6 * obs.intervalMs) });
  builtFor.set(obs, { faults, nodeCount, timelines });
  return timelines;
}

const builtFor = new WeakMap<ClusterObservations, { faults: readonly FaultSpan[]; nodeCount: number; timelines: NodeTimeline[] }>();

/** Every node's timeline over the observation window. */
export function buildTimelines(obs: ClusterObservations, o: TimelineOptions): NodeTimeline[] {
  const { start, end } = obs.window;
  const maxGapNs = (o.maxGapMs ?? DEFAULT_MAX_GAP_MS) * 1e6;
  return o.nodes.map((node) => {
    const events = obs.events.filter((e) => e.node === node);
    const status = statusOf(node, o.faults, start, end);
    const stalls = events.filter((e) => e.event === 'stalled' && typeof e.gapMs === 'number').map((e) => ({ start: e.time - e.gapMs! * 1e6, end: e.time }));
    const peers = o.nodes.filter((p) => p !== node);
    if (events.some((e) => e.event === 'started')) {
      return { node, source: 'log', status, stalls, ...fromLog(events, peers, start, end) };
    }
    const samples = obs.samples.filter((s) => s.node === node);
    return { node, source: 'samples', status, stalls, ...fromSamples(samples, node, peers, start, end, maxGapNs) };
  });
}

/**
 * running / paused / down / absent over [start, end], from the nemesis windows that name the node: a
 * node that joined was absent until it joined, one that left is absent from then on.
 */
export function statusOf(node: string, faults: readonly FaultSpan[], start: number, end: number): Span<NodeStatus>[] {
  const joined = faults.find((f) => f.kind === 'join' && f.nodes.includes(node));
  const left = faults.find((f) => f.kind === 'leave' && f.nodes.includes(node));
  const absent: Span<NodeStatus>[] = [
    ...(joined ? [{ start, end: Math.min(end, joined.start), value: 'absent' as const }] : []),
    ...(left ? [{ start: Math.max(start, left.start), end, value: 'absent' as const }] : []),
  ];
  const cuts: Span<NodeStatus>[] = faults
    .filter((f) => (f.kind === 'kill' || f.kind === 'pause') && f.nodes.includes(node))
    .map((f): Span<NodeStatus> => ({ start: Math.max(start, f.start), end: Math.min(end, f.end), value: f.kind === 'kill' ? 'down' : 'paused' }))
    .concat(absent)
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const spans: Span<NodeStatus>[] = [];
  let at = start;
  for (const c of cuts) {
    if (c.start > at) spans.push({ start: at, end: c.start, value: 'running' });
    spans.push({ start: Math.max(at, c.start), end: c.end, value: c.value });
    at = Math.max(at, c.end);
  }
  if (end > at || spans.length === 0) spans.push({ start: at, end, value: 'running' });
  return spans;
}

function fromLog(events: NodeEvent[], peers: string[], start: number, end: number): Pick<NodeTimeline, 'leader' | 'peers' | 'marks'> {
  const state = new Map<string, MemberState | undefined>();
  let joined: string[] = [];
  const leaderPoints: [number, string | null | undefined][] = [];
  const peerPoints = new Map<string, [number, MemberState | undefined][]>(peers.map((p) => [p, []]));
  const marks: Mark[] = [];
  const setPeer = (t: number, p: string, s: MemberState | undefined) => {
    state.set(p, s);
    peerPoints.get(p)?.push([t, s]);
  };
  for (const e of events) {
    switch (e.event) {
      case 'member-joined':
        if (!e.peer) break;
        joined.push(e.peer);
        if (state.has(e.peer)) setPeer(e.time, e.peer, 'alive');
        break;
      case 'member-left':
        // No longer a member of its view: it holds no state about it.
        if (e.peer && state.has(e.peer)) setPeer(e.time, e.peer, undefined);
        break;
      case 'started':
        // A new process: it knows the members it was given (logged just before), all alive, and no leader.
        leaderPoints.push([e.time, null]);
        for (const p of peers) setPeer(e.time, p, joined.includes(p) ? 'alive' : undefined);
        joined = [];
        break;
      case 'alive':
      case 'suspect':
      case 'dead':
        if (!e.peer) break;
        setPeer(e.time, e.peer, e.event);
        if (e.event !== 'alive') {
          marks.push({
            time: e.time,
            observer: e.node,
            peer: e.peer,
            state: e.event,
            ...(e.from ? { from: e.from } : {}),
            ...(e.silenceMs !== undefined ? { silenceMs: e.silenceMs } : {}),
            ...(e.reason ? { reason: e.reason } : {}),
            exact: true,
          });
        }
        break;
      case 'leader-elected':
        leaderPoints.push([e.time, e.leader ?? null]);
        break;
      case 'stopped':
        leaderPoints.push([e.time, undefined]);
        for (const p of peers) setPeer(e.time, p, undefined);
        break;
    }
  }
  return {
    leader: stepSpans(leaderPoints, start, end),
    peers: Object.fromEntries(peers.map((p) => [p, stepSpans(peerPoints.get(p)!, start, end)])),
    marks: marks.filter((m) => m.time >= start && m.time <= end),
  };
}

/** Points (time, value) of a step function → spans clipped to [start, end]; unknown before the first point. */
function stepSpans<T>(points: [number, T | undefined][], start: number, end: number): Span<T | undefined>[] {
  const spans: Span<T | undefined>[] = [];
  let value: T | undefined;
  let at = start;
  for (const [t, v] of points) {
    if (t > at) {
      push(spans, { start: at, end: Math.min(t, end), value });
      at = Math.min(t, end);
    }
    value = v;
    if (at >= end) break;
  }
  if (end > at) push(spans, { start: at, end, value });
  return spans;
}

function push<T>(spans: Span<T>[], s: Span<T>): void {
  if (s.end <= s.start) return;
  const last = spans[spans.length - 1];
  if (last && last.value === s.value && last.end === s.start) last.end = s.end;
  else spans.push(s);
}

function fromSamples(samples: ClusterSample[], node: string, peers: string[], start: number, end: number, maxGapNs: number): Pick<NodeTimeline, 'leader' | 'term' | 'peers' | 'marks'> {
  const inWindow = samples.filter((s) => s.time >= start && s.time <= end);
  const stateOf = (s: ClusterSample, p: string) => s.members.find((m) => m.id === p)?.state;
  const between = <T>(value: (s: ClusterSample) => T): Span<T | undefined>[] => {
    const spans: Span<T | undefined>[] = [];
    if (inWindow.length === 0) return [{ start, end, value: undefined }];
    push(spans, { start, end: inWindow[0]!.time, value: undefined });
    for (let i = 0; i + 1 < inWindow.length; i++) {
      const a = inWindow[i]!;
      const b = inWindow[i + 1]!;
      const va = value(a);
      const agree = va === value(b) && b.time - a.time <= maxGapNs;
      push(spans, { start: a.time, end: b.time, value: agree ? va : undefined });
    }
    push(spans, { start: inWindow[inWindow.length - 1]!.time, end, value: undefined });
    return spans;
  };
  const marks: Mark[] = [];
  for (const p of peers) {
    let before: MemberState | undefined;
    for (const s of inWindow) {
      const now = stateOf(s, p);
      if ((now === 'suspect' || now === 'dead') && now !== before && !(before === 'dead' && now === 'suspect')) {
        const silenceMs = s.members.find((m) => m.id === p)?.lastHeardMs;
        marks.push({ time: s.time, observer: node, peer: p, state: now, ...(before ? { from: before } : {}), ...(silenceMs !== undefined ? { silenceMs } : {}), exact: false });
      }
      before = now;
    }
  }
  return {
    leader: between((s) => s.leader),
    ...(inWindow.some((s) => s.term !== undefined) ? { term: between((s) => s.term) } : {}),
    peers: Object.fromEntries(peers.map((p) => [p, between((s) => stateOf(s, p))])),
    marks: marks.sort((a, b) => a.time - b.time),
  };
}

/** The value a span list holds at time t (undefined outside it). */
export function valueAt<T>(spans: readonly Span<T>[], t: number): T | undefined {
  for (const s of spans) if (s.start <= t && t < s.end) return s.value;
  return undefined;
}

/**
 * Stretches during which a node did not run in time although the nemesis left it alone: it logged
 * a stall (it noticed it had not run for longer than suspect-after), or it left the harness's
 * samples unanswered for longer than `gapMs` while the harness believed it running. On a shared
 * machine this is load, not a fault; a check judging an idle machine's promise sets such moments
 * aside (and says so).
 */
export interface Disturbance {
  node: string;
  start: number;
  end: number;
  kind: 'stalled' | 'unresponsive';
}

/** What the election and failure-detector checks read: the timelines, the faults, and the machine's disturbances. */
export interface TimelineCheckInput {
  timelines: readonly NodeTimeline[];
  faults: readonly FaultSpan[];
  window: { start: number; end: number };
  timings: DetectorTimings;
  disturbances?: readonly Disturbance[];
}

export function disturbances(timelines: readonly NodeTimeline[], samples: readonly ClusterSample[], window: { start: number; end: number }, gapMs: number): Disturbance[] {
  const out: Disturbance[] = [];
  for (const tl of timelines) {
    // A node the nemesis paused logs a stall when it resumes: that one is the nemesis's doing.
    const stopped = tl.status.filter((s) => s.value !== 'running');
    for (const s of tl.stalls) {
      if (!stopped.some((x) => x.start <= s.end && x.end >= s.start)) out.push({ node: tl.node, start: s.start, end: s.end, kind: 'stalled' });
    }
    const running = tl.status.filter((s) => s.value === 'running');
    const times = samples.filter((s) => s.node === tl.node).map((s) => s.time);
    for (const r of running) {
      const inside = [r.start, ...times.filter((t) => t > r.start && t < r.end), r.end];
      for (let i = 0; i + 1 < inside.length; i++) {
        // A restart's first moments, before the process answers, are not a stall.
        if (i === 0 && r.start > window.start) continue;
        if (inside[i + 1]! - inside[i]! > gapMs * 1e6) out.push({ node: tl.node, start: inside[i]!, end: inside[i + 1]!, kind: 'unresponsive' });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** How long after a fault ends its after-effects are still its doing (ms), from the node's timings. */
export function recoveryMs(t: DetectorTimings): number {
  // A returning node is heard within a heartbeat; an election asks, waits and announces within
  // about three request timeouts; a restarted node waits three heartbeats before its first election.
  return t.suspectAfterMs + 3 * t.requestTimeoutMs + 3 * t.heartbeatMs;
}

/**
 * How often a sample agrees with the view the node's log gives at the sample's time (leader and
 * every peer's state), over the nodes whose timeline came from their log; samples within
 * `marginMs` of a logged change are left out (the view may have changed while the request was in
 * flight). A check of the time base: well below 1, the logs and the history are misaligned.
 */
export function sampleAgreement(timelines: readonly NodeTimeline[], samples: readonly ClusterSample[], marginMs = 5): { compared: number; agreed: number } | null {
  let compared = 0;
  let agreed = 0;
  const margin = marginMs * 1e6;
  for (const tl of timelines) {
    if (tl.source !== 'log') continue;
    const changes = [...tl.leader, ...Object.values(tl.peers).flat()].map((s) => s.start);
    for (const s of samples) {
      if (s.node !== tl.node || changes.some((c) => Math.abs(c - s.time) < margin || (c > s.time && c - s.time < (s.rttMs ?? 0) * 1e6))) continue;
      const leader = valueAt(tl.leader, s.time);
      if (leader === undefined) continue;
      compared++;
      const peersAgree = s.members.every((m) => m.id === tl.node || !tl.peers[m.id] || valueAt(tl.peers[m.id]!, s.time) === m.state);
      if (leader === s.leader && peersAgree) agreed++;
    }
  }
  return compared > 0 ? { compared, agreed } : null;
}
