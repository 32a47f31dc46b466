/**
 * The election check: from each node's own belief about who leads (its timeline), the intervals in
 * which two or more nodes each believed themselves leader (split brain) and those in which no node
 * did (no leader), each with the nemesis windows it overlaps. Pure.
 *
 * A node claims leadership while the nemesis leaves it running and it believes itself the leader; a
 * paused or killed node claims nothing. No leader means: every running node's belief is known and
 * none is itself (a stretch where some running node's belief is unknown, between two samples that
 * differ, is neither). An interval is the nemesis's doing when it overlaps a fault window extended
 * by the recovery time (a returning node is heard, the Bully election asks, answers and announces);
 * the machine's doing when it overlaps a disturbance (a node that did not run in time though the
 * nemesis left it alone); otherwise it is unexplained.
 *
 * A system that numbers its elections (Raft's terms: its timelines carry `term`) promises at most
 * one leader per term, not one leader at a time: a deposed leader that has not heard of its
 * successor still believes it leads, in an older term, and can commit nothing. For such a system
 * split brain is two nodes believing they lead *in the same term*, each known from two consecutive
 * samples of that node that agree on leader and term (a single sample can catch etcd 3.4's status
 * reporting a new leader's predecessor's term, docs/etcd.md); overlapping leaders of different
 * terms are timed apart (`otherTermsNs`).
 */
import type { FaultSpan } from '../history/fault-spans.js';
import { recoveryMs, type Disturbance, type Mark, type Span, type TimelineCheckInput } from './cluster-timeline.js';
import { duration, list, secs } from '../shared/format.js';
import { nearestFaults, relateToFault } from './fault-phrases.js';

export type ElectionOptions = TimelineCheckInput;

export type Cause = 'fault' | 'busy-machine' | 'none';

export interface ElectionFinding {
  type: 'split-brain' | 'no-leader';
  /** split-brain in a system with terms: the term both claimed. */
  term?: number;
  /** ns since the run began. */
  start: number;
  end: number;
  /** split-brain: every node that claimed during it; no-leader: the nodes running then. */
  nodes: string[];
  /** split-brain: the most nodes claiming at once. */
  maxAtOnce: number;
  /** Nemesis windows (extended by the recovery time) it overlaps. */
  faults: FaultSpan[];
  cause: Cause;
  explanation: string;
}

export interface Leadership {
  node: string;
  start: number;
  end: number;
}

export interface ElectionResult {
  findings: ElectionFinding[];
  /** Every interval in which a node claimed leadership while running. */
  leadership: Leadership[];
  splitBrainNs: number;
  noLeaderNs: number;
  /** Time in which some running node's belief was unknown (sampled nodes between disagreeing samples). */
  unknownNs: number;
  /** With terms: time in which two or more nodes believed they led, in different terms (or terms not known to be the same). */
  otherTermsNs: number;
  /** The timelines carry terms: split brain means two leaders in one term. */
  terms: boolean;
  recoveryMs: number;
}

export function checkElection(o: ElectionOptions): ElectionResult {
  const { start, end } = o.window;
  const recoveryNs = recoveryMs(o.timings) * 1e6;
  const nodes = o.timelines.map((t) => t.node);
  const bounds = new Set<number>([start, end]);
  for (const t of o.timelines) for (const s of [...t.status, ...t.leader]) if (s.start > start && s.start < end) bounds.add(s.start);
  const status = o.timelines.map((t) => cursor(t.status));
  const leader = o.timelines.map((t) => cursor(t.leader));
  const terms = o.timelines.some((t) => t.term !== undefined);
  const term = o.timelines.map((t) => cursor(t.term ?? []));
  if (terms) for (const t of o.timelines) for (const s of t.term ?? []) if (s.start > start && s.start < end) bounds.add(s.start);
  const times = [...bounds].sort((a, b) => a - b);

  type Slice = { start: number; end: number; claim: string[]; running: string[]; unknown: boolean; pausedClaim: string[]; sameTerm: string[]; term?: number };
  const slices: Slice[] = [];
  for (let i = 0; i + 1 < times.length; i++) {
    const mid = (times[i]! + times[i + 1]!) / 2;
    const claim: string[] = [];
    const running: string[] = [];
    const pausedClaim: string[] = [];
    const byTerm = new Map<number, string[]>();
    let unknown = false;
    nodes.forEach((node, k) => {
      const s = status[k]!(mid);
      const l = leader[k]!(mid);
      const t = term[k]!(mid);
      if (s === 'paused' && l === node) pausedClaim.push(node);
      if (s !== 'running') return;
      running.push(node);
      if (l === undefined) unknown = true;
      else if (l === node) {
        claim.push(node);
        if (t !== undefined) byTerm.set(t, [...(byTerm.get(t) ?? []), node]);
      }
    });
    const [sameTermOf, sameTerm] = [...byTerm.entries()].find(([, claimers]) => claimers.length >= 2) ?? [undefined, []];
    slices.push({ start: times[i]!, end: times[i + 1]!, claim, running, unknown, pausedClaim, sameTerm, ...(sameTermOf !== undefined ? { term: sameTermOf } : {}) });
  }

  const leadership: Leadership[] = [];
  const lastOf = new Map<string, Leadership>();
  for (const s of slices) {
    for (const node of s.claim) {
      const last = lastOf.get(node);
      if (last && last.end === s.start) last.end = s.end;
      else {
        const l = { node, start: s.start, end: s.end };
        leadership.push(l);
        lastOf.set(node, l);
      }
    }
  }
  leadership.sort((a, b) => a.start - b.start);

  const findings: ElectionFinding[] = [];
  let splitBrainNs = 0;
  let noLeaderNs = 0;
  let unknownNs = 0;
  let otherTermsNs = 0;
  let open: (ElectionFinding & { paused: Set<string> }) | undefined;
  const close = () => {
    if (!open) return;
    const { paused, ...finding } = open;
    findings.push(finish(finding, [...paused], o, recoveryNs, leadership));
    open = undefined;
  };
  for (const s of slices) {
    const split = terms ? s.sameTerm : s.claim;
    const type = split.length >= 2 ? 'split-brain' : s.claim.length === 0 && !s.unknown ? 'no-leader' : undefined;
    if (s.unknown && s.claim.length < 2) unknownNs += s.end - s.start;
    if (terms && s.claim.length >= 2 && split.length < 2) otherTermsNs += s.end - s.start;
    if (type === 'split-brain') splitBrainNs += s.end - s.start;
    if (type === 'no-leader') noLeaderNs += s.end - s.start;
    if (open && (open.type !== type || open.end !== s.start || open.term !== s.term)) close();
    if (!type) continue;
    const nodesNow = type === 'split-brain' ? split : s.running;
    if (!open) {
      open = {
        type,
        ...(type === 'split-brain' && s.term !== undefined ? { term: s.term } : {}),
        start: s.start,
        end: s.end,
        nodes: [...nodesNow],
        maxAtOnce: split.length,
        faults: [],
        cause: 'none',
        explanation: '',
        paused: new Set(s.pausedClaim),
      };
    } else {
      open.end = s.end;
      for (const n of nodesNow) if (!open.nodes.includes(n)) open.nodes.push(n);
      open.maxAtOnce = Math.max(open.maxAtOnce, split.length);
      for (const n of s.pausedClaim) open.paused.add(n);
    }
  }
  close();
  return { findings, leadership, splitBrainNs, noLeaderNs, unknownNs, otherTermsNs, terms, recoveryMs: recoveryMs(o.timings) };
}

function finish(f: ElectionFinding, pausedClaim: string[], o: ElectionOptions, recoveryNs: number, leadership: Leadership[]): ElectionFinding {
  const faults = o.faults.filter((x) => x.start <= f.end && x.end + recoveryNs >= f.start);
  const disturbed = (o.disturbances ?? []).filter((d) => d.start <= f.end && d.end + recoveryNs >= f.start);
  const cause: Cause = faults.length > 0 ? 'fault' : disturbed.length > 0 ? 'busy-machine' : 'none';
  const nodes = [...f.nodes].sort();
  const span = `${duration(f.end - f.start)} (${secs(f.start)}–${secs(f.end)})`;
  let head: string;
  if (f.type === 'split-brain') {
    head = `${list(nodes)} ${nodes.length === 2 ? 'both' : f.maxAtOnce === nodes.length ? 'all' : 'each'} led${f.term !== undefined ? ` in term ${f.term}` : ''} for ${span}`;
  } else {
    const next = leadership.find((l) => l.start === f.end);
    const paused = pausedClaim.length > 0 ? `; ${list(pausedClaim)} still believed ${pausedClaim.length === 1 ? 'it' : 'they'} led but ${pausedClaim.length === 1 ? 'was' : 'were'} paused` : '';
    head = `no running node believed itself leader for ${span}${next ? `, until ${next.node} took over` : ''}${paused}`;
  }
  let why: string;
  if (cause === 'fault') {
    why = nearestFaults(faults, f.start, f.end).map((x) => relateToFault(x, f.start)).join('; and ');
  } else if (cause === 'busy-machine') {
    why = `with no fault injected, but ${disturbed.map(disturbance).join('; ')} (a busy machine, not the nemesis)`;
  } else {
    const marks = o.timelines
      .flatMap((t) => t.marks)
      .filter((m) => m.time <= f.start && m.time >= f.start - recoveryNs && (f.type === 'no-leader' || nodes.includes(m.observer) || nodes.includes(m.peer)));
    why = `with no fault injected near it${marks.length > 0 ? `; before it ${marks.slice(-3).map(markPhrase).join(', ')}` : ''}`;
  }
  return { ...f, nodes, faults, cause, explanation: `${head} ${why}.` };
}

function disturbance(d: Disturbance): string {
  return d.kind === 'stalled'
    ? `${d.node} did not run for ${duration(d.end - d.start)} from ${secs(d.start)} (it logged a stall)`
    : `${d.node} left the harness's status requests unanswered for ${duration(d.end - d.start)} from ${secs(d.start)}`;
}

function markPhrase(m: Mark): string {
  return `${m.observer} had marked ${m.peer} ${m.state} at ${secs(m.time)}${m.silenceMs !== undefined ? ` after ${m.silenceMs} ms of silence` : ''}`;
}

/** A reader of a span list for times that only increase: each call picks up where the last left off. */
function cursor<T>(spans: readonly Span<T>[]): (t: number) => T | undefined {
  let i = 0;
  return (t) => {
    while (i < spans.length && spans[i]!.end <= t) i++;
    const s = spans[i];
    return s && s.start <= t ? s.value : undefined;
  };
}
