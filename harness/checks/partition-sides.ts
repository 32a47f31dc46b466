/**
 * Availability on each side of a partition: of the ops invoked while a partition was in force, those
 * that went through a node cut off from a majority of the cluster (the minority side) and those that
 * went through a node that could still reach one. Consensus and strict quorums give up the minority
 * side to stay consistent; weak quorums and serializable reads keep answering there. Pure.
 */
import type { FaultSpan } from '../history/fault-spans.js';
import type { OpPair } from '../history/pairs.js';

export interface SideCounts {
  count: number;
  ok: number;
}

export interface PartitionSides {
  minority: SideCounts;
  majority: SideCounts;
}

/**
 * `nodes`: every node of the run. A node is on the minority side when the nodes it can talk to both
 * ways (itself included) are fewer than a majority; a link cut either way counts as no talk.
 */
export function availabilityBySide(pairs: readonly OpPair[], faults: readonly FaultSpan[], nodes: readonly string[]): PartitionSides {
  const sides: PartitionSides = { minority: { count: 0, ok: 0 }, majority: { count: 0, ok: 0 } };
  const partitions = faults.filter((f) => f.kind === 'partition').map((f) => ({ start: f.start, end: f.end, minority: minorityOf(f, nodes) }));
  for (const p of pairs) {
    if (p.final || p.node === undefined) continue;
    const during = partitions.find((x) => x.start <= p.start && p.start < x.end);
    if (!during) continue;
    const side = during.minority.has(p.node) ? sides.minority : sides.majority;
    side.count++;
    if (p.type === 'ok') side.ok++;
  }
  return sides;
}

function minorityOf(f: FaultSpan, nodes: readonly string[]): Set<string> {
  const cut = new Set((Array.isArray(f.value['cut']) ? (f.value['cut'] as unknown[]) : []).map((l) => (Array.isArray(l) ? `${String(l[0])}→${String(l[1])}` : '')));
  const majority = Math.floor(nodes.length / 2) + 1;
  return new Set(nodes.filter((n) => nodes.filter((p) => p === n || (!cut.has(`${n}→${p}`) && !cut.has(`${p}→${n}`))).length < majority));
}
