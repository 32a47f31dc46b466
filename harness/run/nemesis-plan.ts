import { set } from '../shared/format.js';
import type { Random } from '../shared/random.js';
import { nodeId, type FaultKind, type TargetSize } from './settings.js';
import { MIN_NODES, TOPOLOGY_NAMES, majority, topology, type LinkPair, type Topology } from './topologies.js';

/** One fault as the schedule decided it: plain data, recorded as the nemesis record's value. */
export type Fault =
  | { kind: 'kill'; nodes: string[]; description: string }
  | { kind: 'pause'; nodes: string[]; description: string }
  | { kind: 'partition'; topology: Topology; description: string }
  | { kind: 'delay'; links: LinkPair[]; ms: number; jitterMs: number; description: string }
  /** A fresh node joins through a running member; it stays. */
  | { kind: 'join'; node: string; description: string }
  /** A member leaves for good. */
  | { kind: 'leave'; node: string; description: string };

/** A change of membership, as the schedule decided it. */
export type MembershipFault = Extract<Fault, { kind: 'join' | 'leave' }>;

export interface FaultWindow {
  /** Seconds after the workload began. */
  start: number;
  end: number;
  fault: Fault;
}

export interface PlanOptions {
  kinds: readonly FaultKind[];
  /** Seconds from one fault's start to the next one's. */
  interval: number;
  timeLimit: number;
  nodes: readonly string[];
  random: Random;
  /** Which node subsets kills and pauses pick from; Jepsen's defaults when absent. */
  targets?: readonly TargetSize[];
  /** The most members membership changes may grow the cluster to (default: `nodes.length`). */
  maxNodes?: number;
}

/**
 * The whole fault schedule, decided up front from the seed: the same seed gives the same faults at
 * the same offsets. Faults do not overlap, so every anomaly lines up with at most one of them; each
 * is held for 50–80 % of the interval and the cluster gets the rest to recover. The first fault
 * waits half an interval so the keys hold data before anything breaks.
 *
 * Membership changes are planned too, so the schedule knows who is a member when: a join or a
 * leave is the window's start (the rest of it lets the ring settle), the cluster stays between
 * `nodes.length` and `maxNodes` members, a joining node takes the next unused id (node-6 after
 * node-5, never an id that left), and later faults pick their targets among the members of the day.
 */
export function planFaults(o: PlanOptions): FaultWindow[] {
  if (o.kinds.length === 0) return [];
  const windows: FaultWindow[] = [];
  let members = [...o.nodes];
  let born = o.nodes.length;
  for (let start = o.interval / 2; ; start += o.interval) {
    const hold = o.interval * (0.5 + 0.3 * o.random.next());
    const kind = o.random.pick(o.kinds);
    const end = start + hold;
    if (end >= o.timeLimit) break;
    let fault: Fault;
    if (kind === 'membership') {
      const change = membershipChange(members, o.nodes.length, o.maxNodes ?? o.nodes.length, born + 1, o.random);
      if (change.kind === 'join') born++;
      members = change.kind === 'join' ? [...members, change.node] : members.filter((n) => n !== change.node);
      fault = change;
    } else fault = faultOf(kind, members, o.random, o.targets);
    windows.push({ start: round(start), end: round(end), fault });
  }
  return windows;
}

/** A join while there is room, a leave while the cluster is above its floor; either, by a coin, when both. */
function membershipChange(members: readonly string[], floor: number, ceiling: number, next: number, random: Random): MembershipFault {
  const canJoin = members.length < ceiling;
  const canLeave = members.length > floor;
  if (!canJoin && !canLeave) throw new Error(`no membership change fits between ${floor} and ${ceiling} members`);
  if (canJoin && (!canLeave || random.next() < 0.5)) {
    const node = nodeId(next);
    return { kind: 'join', node, description: `${node} joined` };
  }
  const node = random.pick(members);
  return { kind: 'leave', node, description: `${node} left` };
}

function faultOf(kind: Exclude<FaultKind, 'membership'>, nodes: readonly string[], random: Random, targets: readonly TargetSize[] | undefined): Fault {
  switch (kind) {
    case 'kill': {
      const chosen = pickTargets(nodes, random, targets ?? ['one', 'minority', 'majority', 'all']);
      return { kind, nodes: chosen, description: `killed ${set(chosen)}` };
    }
    case 'pause': {
      // Pausing every node by default would only stall the clients; --targets all asks for it.
      const chosen = pickTargets(nodes, random, targets ?? ['one', 'minority', 'majority']);
      return { kind, nodes: chosen, description: `paused ${set(chosen)}` };
    }
    case 'partition': {
      const names = TOPOLOGY_NAMES.filter((name) => nodes.length >= MIN_NODES[name]);
      const t = topology(random.pick(names), nodes, random);
      return { kind, topology: t, description: t.description };
    }
    case 'delay': {
      const slow = random.pick(nodes);
      const ms = random.pick([50, 100, 200, 400]);
      const links = nodes.filter((n) => n !== slow).flatMap((n): LinkPair[] => [[slow, n], [n, slow]]);
      return { kind, links, ms, jitterMs: ms / 2, description: `links of ${slow} delayed by ${ms} ± ${ms / 2} ms` };
    }
  }
}

/** Jepsen's target choices: one node, a minority, a majority, or all of them. */
function pickTargets(nodes: readonly string[], random: Random, sizes: readonly TargetSize[]): string[] {
  const n = nodes.length;
  const size = random.pick(sizes);
  const count = size === 'one' ? 1 : size === 'minority' ? Math.max(1, majority(n) - 1) : size === 'majority' ? majority(n) : n;
  const chosen = new Set(random.shuffle(nodes).slice(0, Math.min(count, n)));
  return nodes.filter((id) => chosen.has(id));
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
