/**
 * Nemesis windows in words, for the sentences of the election and failure-detector checks: "while
 * {node-3} was cut off from {node-1, node-2}", "0.4 s after {node-3} was resumed". Pure.
 */
import { duration, list, secs, set } from '../shared/format.js';
import type { FaultSpan } from '../history/fault-spans.js';

/**
 * "while …" when [from, to] overlaps the fault ("when …" for a join or a leave, an instant), "0.40 s
 * after …" when it began after the fault ended.
 */
export function relateToFault(f: FaultSpan, from: number): string {
  if (from <= f.end) return `${f.kind === 'join' || f.kind === 'leave' ? 'when' : 'while'} ${during(f)}`;
  return `${duration(from - f.end)} after ${ended(f)}`;
}

/**
 * The faults worth naming for an interval [from, to] among those near it: the ones it overlaps, or
 * else the one that ended last before it.
 */
export function nearestFaults(faults: readonly FaultSpan[], from: number, to: number): FaultSpan[] {
  const overlapping = faults.filter((f) => f.start <= to && f.end >= from);
  if (overlapping.length > 0) return overlapping;
  const before = faults.filter((f) => f.end < from).sort((a, b) => b.end - a.end);
  return before.slice(0, 1);
}

/** The fault as a state of affairs: "{node-3} was paused (2.01 s–4.50 s)". */
export function during(f: FaultSpan): string {
  const when = `${secs(f.start)}–${Number.isFinite(f.end) ? secs(f.end) : 'the end'}`;
  switch (f.kind) {
    case 'kill':
      return `${set(f.nodes)} ${f.nodes.length === 1 ? 'was' : 'were'} down (killed at ${secs(f.start)}${Number.isFinite(f.end) ? `, restarted at ${secs(f.end)}` : ''})`;
    case 'pause':
      return `${set(f.nodes)} ${f.nodes.length === 1 ? 'was' : 'were'} paused (${when})`;
    case 'delay':
      return `${f.description.replace(/^links of (\S+) delayed/, 'the links of $1 were delayed')} (${when})`;
    case 'partition':
      return `${partition(f)} (${when})`;
    case 'join':
    case 'leave':
      return changed(f);
  }
}

/** "node-6 joined the cluster (at 3.10 s)", "node-2 left the cluster (at 9.00 s)". */
function changed(f: FaultSpan): string {
  return `${list(f.nodes)} ${f.kind === 'join' ? 'joined' : 'left'} the cluster (at ${secs(f.start)})`;
}

function ended(f: FaultSpan): string {
  switch (f.kind) {
    case 'kill':
      return `${set(f.nodes)} ${f.nodes.length === 1 ? 'was' : 'were'} restarted`;
    case 'pause':
      return `${set(f.nodes)} ${f.nodes.length === 1 ? 'was' : 'were'} resumed`;
    case 'delay':
      return `the delay on the links of ${f.description.match(/^links of (\S+)/)?.[1] ?? 'a node'} ended`;
    case 'partition':
      return `the partition (${partition(f)}) healed`;
    case 'join':
    case 'leave':
      return changed(f);
  }
}

function partition(f: FaultSpan): string {
  const topology = f.value['topology'];
  const groups = Array.isArray(f.value['groups']) ? (f.value['groups'] as unknown[]).map((g) => (Array.isArray(g) ? g.map(String) : [])) : [];
  const [a, b] = groups;
  if ((topology === 'isolate' || topology === 'halves') && a && b) return `${set(a)} was cut off from ${set(b)}`;
  if (topology === 'isolate-one-way' && a && b) return `${a[0]} could not reach ${set(b)} (they could still reach it)`;
  if (topology === 'bridge' && a && b) {
    const middle = a.find((n) => b.includes(n));
    return `${set(a.filter((n) => n !== middle))} and ${set(b.filter((n) => n !== middle))} could not see each other (${middle} saw both)`;
  }
  return `the partition "${f.description}" held`;
}
