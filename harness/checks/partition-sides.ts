/**
 * Availability on each side of a partition: of the ops that ran while a clean split was in force
 * (invoked after it began and completed before it healed, or never; a clean split: the nodes in
 * disjoint groups, every link between groups cut both ways, as Jepsen's isolate and halves), those
 * that went through a node in a group smaller than a majority (the minority side) and
 * those through a node of the majority. Consensus and strict quorums give up the minority side to
 * stay consistent; weak quorums and serializable reads keep answering there. Partitions that are not
 * clean splits (one-way cuts, rings, bridges) are left out: which side a node is on there depends on
 * what a cut link means to the system. Pure.
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

/** `nodes`: every node of the run. */
export function availabilityBySide(pairs: readonly OpPair[], faults: readonly FaultSpan[], nodes: readonly string[]): PartitionSides {
  const sides: PartitionSides = { minority: { count: 0, ok: 0 }, majority: { count: 0, ok: 0 } };
  const splits = faults.flatMap((f) => {
    const minority = f.kind === 'partition' ? minorityOf(f, nodes) : undefined;
    return minority ? [{ start: f.start, end: f.end, minority }] : [];
  });
  for (const p of pairs) {
    if (p.final || p.node === undefined) continue;
    // Whole inside the split: an op that straddles the heal may have been served by the healed cluster.
    const during = splits.find((x) => x.start <= p.start && (p.end < x.end || (p.type === 'info' && p.start < x.end)));
    if (!during) continue;
    const side = during.minority.has(p.node) ? sides.minority : sides.majority;
    side.count++;
    if (p.type === 'ok') side.ok++;
  }
  return sides;
}

/** The nodes in groups smaller than a majority, when the partition is a clean split; undefined when it is not. */
function minorityOf(f: FaultSpan, nodes: readonly string[]): Set<string> | undefined {
  const groups = Array.isArray(f.value['groups']) ? (f.value['groups'] as unknown[]).filter(Array.isArray).map((g) => (g as unknown[]).map(String)) : [];
  const cut = new Set((Array.isArray(f.value['cut']) ? (f.value['cut'] as unknown[]) : []).map((l) => (Array.isArray(l) ? `${String(l[0])}→${String(l[1])}` : '')));
  const members = groups.flat();
  if (groups.length < 2 || new Set(members).size !== members.length) return undefined;
  for (const [i, g] of groups.entries()) {
    for (const [j, h] of groups.entries()) {
      if (i !== j && !g.every((a) => h.every((b) => cut.has(`${a}→${b}`)))) return undefined;
    }
  }
  const majority = Math.floor(nodes.length / 2) + 1;
  return new Set(groups.filter((g) => g.length < majority).flat());
}
