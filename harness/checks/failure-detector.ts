/**
 * The failure-detector check: for each suspect or dead mark a node made of a peer, was the peer
 * really out of the observer's hearing, or alive and reachable (a false suspicion)? And for each
 * fault the nemesis injected, how long each observer took to notice it. Pure.
 *
 * A node hears a peer either way: its heartbeat to the peer is answered (link observer → peer,
 * answers come back on the same connection) or the peer's heartbeat reaches it (link peer →
 * observer). So the peer was out of hearing when, during the silence that led to the mark (the
 * `silenceMs` before it, extended by one heartbeat and one request timeout after a fault ends, for
 * the first heartbeat after a heal still in flight), the peer was killed, paused or stalled (it
 * logged that it did not run), or both links between the two were cut. Anything else is a false
 * suspicion, with the likeliest reason: the observer was itself paused or stalled, only one link
 * was cut, the links were delayed, chaos mode dropped requests, the machine was too busy (the
 * observer or the peer left the harness's status requests unanswered for a while), or none.
 */
import type { FaultSpan } from '../history/fault-spans.js';
import { duration, secs } from '../shared/format.js';
import { valueAt, type Mark, type NodeTimeline, type TimelineCheckInput } from './cluster-timeline.js';
import { nearestFaults, relateToFault } from './fault-phrases.js';
import { nearestRank } from '../shared/sorted.js';

export interface FailureDetectorOptions extends TimelineCheckInput {
  /** The nodes ran in chaos mode (random drops and delays of node-to-node requests). */
  chaos?: boolean;
}

/** Why a mark was made: the first five are real (the peer was out of hearing), the rest false. */
export type MarkCause =
  | 'peer-left'
  | 'peer-killed'
  | 'peer-paused'
  | 'peer-stalled'
  | 'cut-off'
  | 'observer-paused'
  | 'observer-stalled'
  | 'one-way-cut'
  | 'delayed-links'
  | 'chaos'
  | 'busy-machine'
  | 'unexplained';

const REAL: readonly MarkCause[] = ['peer-left', 'peer-killed', 'peer-paused', 'peer-stalled', 'cut-off'];

export interface JudgedMark extends Mark {
  /** The peer really was out of the observer's hearing. */
  real: boolean;
  cause: MarkCause;
  faults: FaultSpan[];
  explanation: string;
}

/** How long one observer took to notice one fault (ns after the fault began; undefined: it did not). */
export interface Detection {
  fault: FaultSpan;
  observer: string;
  peer: string;
  suspectNs?: number;
  deadNs?: number;
}

export interface Quantiles {
  count: number;
  p50: number;
  p90: number;
  max: number;
}

export interface FailureDetectorResult {
  marks: JudgedMark[];
  falseSuspicions: JudgedMark[];
  /** Minutes observed, and false suspicions per minute of them. */
  minutes: number;
  falsePerMinute: number;
  detections: Detection[];
  /** Detection latency (ms) over the observer–fault pairs that noticed. */
  latencyMs: { suspect: Quantiles | null; dead: Quantiles | null };
  /**
   * Pairs whose fault lasted past the threshold (plus a heartbeat) and that still never marked
   * the peer: a detector that missed a fault it should have seen.
   */
  missed: { suspect: number; dead: number };
}

export function checkFailureDetector(o: FailureDetectorOptions): FailureDetectorResult {
  const graceNs = (o.timings.heartbeatMs + o.timings.requestTimeoutMs) * 1e6;
  const byNode = new Map(o.timelines.map((t) => [t.node, t]));
  const marks = o.timelines
    .flatMap((t) => t.marks)
    .sort((a, b) => a.time - b.time)
    .map((m) => judge(m, o, byNode, graceNs));
  const falseSuspicions = marks.filter((m) => !m.real);
  const minutes = Math.max(0, o.window.end - o.window.start) / 60e9;

  const detections: Detection[] = [];
  for (const f of o.faults) {
    for (const [observer, peer] of outOfHearing(f, o.timelines.map((t) => t.node))) {
      const tl = byNode.get(observer);
      if (!tl || valueAt(tl.status, f.start + 1) !== 'running') continue;
      const before = valueAt(tl.peers[peer] ?? [], f.start);
      if (before === 'suspect' || before === 'dead') continue;
      const seen = tl.marks.filter((m) => m.peer === peer && m.time >= f.start && m.time <= f.end + graceNs);
      const suspect = seen[0];
      const dead = seen.find((m) => m.state === 'dead');
      detections.push({
        fault: f,
        observer,
        peer,
        ...(suspect ? { suspectNs: suspect.time - f.start } : {}),
        ...(dead ? { deadNs: dead.time - f.start } : {}),
      });
    }
  }
  const lasted = (d: Detection, thresholdMs: number) => d.fault.end - d.fault.start >= (thresholdMs + o.timings.heartbeatMs) * 1e6;
  return {
    marks,
    falseSuspicions,
    minutes,
    falsePerMinute: minutes > 0 ? falseSuspicions.length / minutes : 0,
    detections,
    latencyMs: {
      suspect: quantiles(detections.flatMap((d) => (d.suspectNs === undefined ? [] : [d.suspectNs / 1e6]))),
      dead: quantiles(detections.flatMap((d) => (d.deadNs === undefined ? [] : [d.deadNs / 1e6]))),
    },
    missed: {
      suspect: detections.filter((d) => d.suspectNs === undefined && lasted(d, o.timings.suspectAfterMs)).length,
      dead: detections.filter((d) => d.deadNs === undefined && lasted(d, o.timings.deadAfterMs)).length,
    },
  };
}

/** The (observer, peer) pairs a fault puts out of hearing: every node about a killed or paused one; both ends of a link cut both ways. */
function outOfHearing(f: FaultSpan, nodes: readonly string[]): [string, string][] {
  if (f.kind === 'kill' || f.kind === 'pause') return f.nodes.flatMap((peer) => nodes.filter((n) => !f.nodes.includes(n)).map((n): [string, string] => [n, peer]));
  if (f.kind !== 'partition') return [];
  const cut = cutLinks(f);
  return nodes.flatMap((a) => nodes.filter((b) => b !== a && cut.has(`${a} ${b}`) && cut.has(`${b} ${a}`)).map((b): [string, string] => [a, b]));
}

function cutLinks(f: FaultSpan): Set<string> {
  const cut = f.value['cut'];
  return new Set(Array.isArray(cut) ? cut.filter((l): l is [string, string] => Array.isArray(l) && l.length === 2).map(([a, b]) => `${a} ${b}`) : []);
}

function judge(m: Mark, o: FailureDetectorOptions, byNode: Map<string, NodeTimeline>, graceNs: number): JudgedMark {
  const silenceMs = m.silenceMs ?? (m.state === 'dead' ? o.timings.deadAfterMs : o.timings.suspectAfterMs);
  const from = m.time - silenceMs * 1e6;
  const overlaps = (f: { start: number; end: number }, extra = graceNs) => f.start <= m.time && f.end + extra >= from;
  const about = (f: FaultSpan, node: string) => f.nodes.includes(node);
  const faultsHere = o.faults.filter((f) => overlaps(f));
  const find = (test: (f: FaultSpan) => boolean) => faultsHere.filter(test);
  const silence = `after ${silenceMs} ms of silence`;
  const head = `${m.observer} marked ${m.peer} ${m.state} at ${secs(m.time)} ${silence}`;
  const done = (cause: MarkCause, faults: FaultSpan[], why: string): JudgedMark => ({
    ...m,
    real: REAL.includes(cause),
    cause,
    faults,
    explanation: `${head}${REAL.includes(cause) ? ', rightly' : `, but ${m.peer} was running and within its hearing`}: ${why}.`,
  });
  const phrase = (fs: FaultSpan[]) => nearestFaults(fs, from, m.time).map((f) => relateToFault(f, from)).join('; and ');

  // A member that left without telling this observer (its announcement did not reach it) falls silent for good.
  const left = o.faults.filter((f) => f.kind === 'leave' && about(f, m.peer) && f.start <= m.time);
  if (left.length > 0) return done('peer-left', left, `${m.peer} had left the cluster at ${secs(left[0]!.start)}`);
  const killed = find((f) => f.kind === 'kill' && about(f, m.peer));
  if (killed.length > 0) return done('peer-killed', killed, phrase(killed));
  const paused = find((f) => f.kind === 'pause' && about(f, m.peer));
  if (paused.length > 0) return done('peer-paused', paused, phrase(paused));
  const peerStall = byNode.get(m.peer)?.stalls.find((s) => overlaps(s));
  if (peerStall) return done('peer-stalled', [], `${m.peer} itself did not run for ${duration(peerStall.end - peerStall.start)} from ${secs(peerStall.start)} (it logged a stall)`);
  const partitions = find((f) => f.kind === 'partition');
  const bothCut = partitions.filter((f) => cutLinks(f).has(`${m.observer} ${m.peer}`) && cutLinks(f).has(`${m.peer} ${m.observer}`));
  if (bothCut.length > 0) return done('cut-off', bothCut, phrase(bothCut));

  const observerDown = find((f) => (f.kind === 'pause' || f.kind === 'kill') && about(f, m.observer));
  if (observerDown.length > 0) {
    const f = observerDown[0]!;
    const how = f.kind === 'kill' ? 'was down' : 'was paused';
    return done('observer-paused', observerDown, `${m.observer} itself ${how} from ${secs(f.start)} to ${secs(f.end)} and counted its own gap as ${m.peer}'s silence`);
  }
  const observerStall = byNode.get(m.observer)?.stalls.find((s) => overlaps(s));
  if (observerStall) return done('observer-stalled', [], `${m.observer} itself did not run for ${duration(observerStall.end - observerStall.start)} from ${secs(observerStall.start)}`);
  const oneWay = partitions.filter((f) => cutLinks(f).has(`${m.observer} ${m.peer}`) || cutLinks(f).has(`${m.peer} ${m.observer}`));
  if (oneWay.length > 0) {
    const open = cutLinks(oneWay[0]!).has(`${m.observer} ${m.peer}`) ? `${m.peer} → ${m.observer}` : `${m.observer} → ${m.peer}`;
    return done('one-way-cut', oneWay, `only one direction was cut and ${open} still carried heartbeats, ${phrase(oneWay)}`);
  }
  const delayed = find((f) => f.kind === 'delay' && linksOf(f).some(([a, b]) => (a === m.observer && b === m.peer) || (a === m.peer && b === m.observer)));
  if (delayed.length > 0) return done('delayed-links', delayed, `heartbeats were slow, not lost, ${phrase(delayed)}`);
  if (o.chaos) return done('chaos', [], 'chaos mode dropped or delayed node-to-node requests, heartbeats included');
  const busy = (o.disturbances ?? []).filter((d) => (d.node === m.observer || d.node === m.peer) && overlaps(d, 0));
  if (busy.length > 0) {
    const d = busy[0]!;
    const what = d.kind === 'stalled' ? `did not run for ${duration(d.end - d.start)} from ${secs(d.start)}` : `left the harness's status requests unanswered for ${duration(d.end - d.start)} from ${secs(d.start)}`;
    return done('busy-machine', [], `no fault was injected, but ${d.node} ${what} (a busy machine)`);
  }
  return done('unexplained', [], 'no fault was injected near it, and both answered the harness promptly throughout');
}

function linksOf(f: FaultSpan): [string, string][] {
  const links = f.value['links'];
  return Array.isArray(links) ? links.filter((l): l is [string, string] => Array.isArray(l) && l.length === 2) : [];
}

function quantiles(xs: number[]): Quantiles | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(nearestRank(s, p));
  return { count: s.length, p50: q(0.5), p90: q(0.9), max: Math.round(s[s.length - 1]!) };
}
