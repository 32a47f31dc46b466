/**
 * Partition topologies, named as Jepsen names them. Pure: node ids and a seeded random source in,
 * plain data out: the directed links to cut, the groups a person would draw, one sentence saying
 * who is cut off from whom. `harness/proxy.ts` applies the data; the nemesis records it in the
 * history as it is.
 *
 * A link is directed: `[from, to]` is the path of the connections `from` opens to `to` (its
 * requests and their replies). Cutting `[a, b]` stops a's requests to b and nothing else; a real
 * two-way partition between a and b cuts both `[a, b]` and `[b, a]`.
 */
import type { LinkPair, NodeId, Partition } from '../proxy/links.js';
import { set } from '../shared/format.js';
import type { Random } from '../shared/random.js';
import { UsageError } from '../shared/usage-error.js';

export type { LinkPair, NodeId, Partition };

export type TopologyName = 'isolate' | 'halves' | 'majorities-ring' | 'bridge' | 'isolate-one-way';

export const TOPOLOGY_NAMES: readonly TopologyName[] = [
  'isolate',
  'halves',
  'majorities-ring',
  'bridge',
  'isolate-one-way',
];

/** The smallest cluster each topology makes sense for. */
export const MIN_NODES: Record<TopologyName, number> = {
  isolate: 2,
  halves: 2,
  'majorities-ring': 3,
  bridge: 3,
  'isolate-one-way': 2,
};

export interface Topology extends Partition {
  name: TopologyName;
  /** One sentence for logs and reports, e.g. "node-3 cut off from {node-1, node-2}". */
  description: string;
  /**
   * The sides as a person would draw them. isolate, isolate-one-way: `[[node], rest]`; halves:
   * `[smaller, larger]`; bridge: `[sideA + bridge, bridge + sideB]` (the bridge is in both);
   * majorities-ring: one group per node, what that node can reach, the node first.
   */
  groups: NodeId[][];
}

/** The smallest number of nodes that is more than half of n. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Every link between nodes of different groups, in both directions. */
export function complete(groups: readonly (readonly NodeId[])[]): LinkPair[] {
  const cut: LinkPair[] = [];
  groups.forEach((group, g) => {
    groups.forEach((other, h) => {
      if (g === h) return;
      for (const from of group) for (const to of other) cut.push([from, to]);
    });
  });
  return cut;
}

/**
 * What each node can reach under a cut: the node itself, then every other node whose link from it is
 * not cut, in the order of `nodes`.
 */
export function views(nodes: readonly NodeId[], cut: readonly LinkPair[]): Record<NodeId, NodeId[]> {
  const down = new Set(cut.map(([from, to]) => linkKey(from, to)));
  const out: Record<NodeId, NodeId[]> = {};
  for (const from of nodes) {
    out[from] = [from, ...nodes.filter((to) => to !== from && !down.has(linkKey(from, to)))];
  }
  return out;
}

/** One node, chosen at random, cut off from all the others in both directions. */
export function isolate(nodes: readonly NodeId[], random: Random): Topology {
  check('isolate', nodes);
  const loner = random.pick(nodes);
  const rest = nodes.filter((n) => n !== loner);
  return {
    name: 'isolate',
    description: `${loner} cut off from ${set(rest)}`,
    groups: [[loner], rest],
    cut: complete([[loner], rest]),
  };
}

/**
 * A one-way isolation: a node chosen at random cannot reach anyone (its requests stall), while every
 * other node still reaches it and gets its answers.
 */
export function isolateOneWay(nodes: readonly NodeId[], random: Random): Topology {
  check('isolate-one-way', nodes);
  const loner = random.pick(nodes);
  const rest = nodes.filter((n) => n !== loner);
  return {
    name: 'isolate-one-way',
    description: `${loner} cannot reach ${set(rest)}; they can still reach ${loner}`,
    groups: [[loner], rest],
    cut: rest.map((to): LinkPair => [loner, to]),
  };
}

/** Random halves of ⌊n/2⌋ and ⌈n/2⌉ nodes, cut off from each other in both directions. */
export function halves(nodes: readonly NodeId[], random: Random): Topology {
  check('halves', nodes);
  const shuffled = random.shuffle(nodes);
  const cutAt = Math.floor(nodes.length / 2);
  const groups = [inOrder(nodes, shuffled.slice(0, cutAt)), inOrder(nodes, shuffled.slice(cutAt))];
  return {
    name: 'halves',
    description: `${set(groups[0]!)} cut off from ${set(groups[1]!)}`,
    groups,
    cut: complete(groups),
  };
}

/**
 * Two sides that cannot see each other and one node, the bridge, that sees both: the bridge is
 * chosen at random and the others are split into sides of ⌊(n-1)/2⌋ and ⌈(n-1)/2⌉ nodes.
 */
export function bridge(nodes: readonly NodeId[], random: Random): Topology {
  check('bridge', nodes);
  const [middle, ...others] = random.shuffle(nodes) as [NodeId, ...NodeId[]];
  const cutAt = Math.floor(others.length / 2);
  const sideA = inOrder(nodes, others.slice(0, cutAt));
  const sideB = inOrder(nodes, others.slice(cutAt));
  return {
    name: 'bridge',
    description: `${middle} bridges ${set(sideA)} and ${set(sideB)}, which cannot see each other`,
    groups: [[...sideA, middle], [middle, ...sideB]],
    cut: complete([sideA, sideB]),
  };
}

/**
 * Every node can reach a majority (itself included), and no two nodes reach the same majority.
 * The nodes are put on a ring in random order.
 *
 * From 4 nodes on, links are cut in both directions: each node sees the k nearest nodes on each
 * side of it, with k the smallest number that makes 2k + 1 a majority (5 nodes: its two
 * neighbours). This is Jepsen's "perfect" ring made symmetric, so it is a partition of whole links
 * rather than of packet directions.
 *
 * With 3 nodes no two-way cut can do it (two nodes that see each other both ways see the same
 * pair), so the ring is one-way: each node reaches only the next node on the ring and is reached
 * only by the previous one (a → b → c → a). Each node still reaches a majority of two, and the
 * three majorities differ.
 */
export function majoritiesRing(nodes: readonly NodeId[], random: Random): Topology {
  check('majorities-ring', nodes);
  const ring = random.shuffle(nodes);
  const n = ring.length;
  const at = (i: number): NodeId => ring[((i % n) + n) % n]!;
  if (n === 3) {
    const cut = ring.map((from, i): LinkPair => [from, at(i + 2)]);
    return {
      name: 'majorities-ring',
      description: `one-way ring ${ring.join(' → ')} → ${ring[0]}: each node reaches only the next one`,
      groups: ring.map((node, i) => [node, at(i + 1)]),
      cut,
    };
  }
  const k = Math.ceil((majority(n) - 1) / 2);
  const groups = ring.map((node, i) => {
    const seen = [node];
    for (let d = 1; d <= k; d++) seen.push(at(i - d), at(i + d));
    return seen;
  });
  const cut: LinkPair[] = [];
  ring.forEach((from, i) => {
    const seen = new Set(groups[i]);
    for (const to of ring) if (!seen.has(to)) cut.push([from, to]);
  });
  const reach = k === 1 ? 'its two ring neighbours' : `the ${k} nearest nodes on each side of it`;
  return {
    name: 'majorities-ring',
    description: `ring ${ring.join(' – ')} – ${ring[0]}: each node sees only ${reach}`,
    groups,
    cut,
  };
}

const BUILDERS: Record<TopologyName, (nodes: readonly NodeId[], random: Random) => Topology> = {
  isolate,
  halves,
  'majorities-ring': majoritiesRing,
  bridge,
  'isolate-one-way': isolateOneWay,
};

/** The topology of that name, for schedules that pick one by name. */
export function topology(name: TopologyName, nodes: readonly NodeId[], random: Random): Topology {
  const build = BUILDERS[name];
  if (!build) throw new UsageError(`unknown partition topology "${String(name)}" (known: ${TOPOLOGY_NAMES.join(', ')})`);
  return build(nodes, random);
}

function check(name: TopologyName, nodes: readonly NodeId[]): void {
  const min = MIN_NODES[name];
  if (nodes.length < min) {
    throw new UsageError(`the ${name} partition needs at least ${min} nodes, got ${nodes.length}`);
  }
  if (new Set(nodes).size !== nodes.length) {
    throw new Error(`node ids must be distinct, got [${nodes.join(', ')}]`);
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}\u0000${to}`;
}

/** The members of `subset` in the order they have in `nodes`, so descriptions read naturally. */
function inOrder(nodes: readonly NodeId[], subset: readonly NodeId[]): NodeId[] {
  const members = new Set(subset);
  return nodes.filter((n) => members.has(n));
}
