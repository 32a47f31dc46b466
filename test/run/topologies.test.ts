import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom } from '../../harness/shared/random.js';
import {
  bridge,
  complete,
  halves,
  isolate,
  isolateOneWay,
  majoritiesRing,
  majority,
  MIN_NODES,
  topology,
  TOPOLOGY_NAMES,
  views,
  type LinkPair,
  type Topology,
  type TopologyName,
} from '../../harness/run/topologies.js';
import { UsageError } from '../../harness/shared/usage-error.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`);

/** A cluster of 2 to 11 nodes (at least the topology's minimum) and a seed. */
const clusterAndSeed = (min: number) => fc.tuple(fc.integer({ min, max: 11 }).map(ids), fc.integer());

const reaches = (cut: readonly LinkPair[], from: string, to: string) => !cut.some(([f, t]) => f === from && t === to);
const sees = (cut: readonly LinkPair[], a: string, b: string) => reaches(cut, a, b) && reaches(cut, b, a);

/** What every topology's data must satisfy, whatever its shape. */
function wellFormed(t: Topology, nodes: string[], name: TopologyName): void {
  expect(t.name).toBe(name);
  const keys = t.cut.map(([f, to]) => `${f}>${to}`);
  expect(new Set(keys).size).toBe(keys.length); // no link twice
  for (const [from, to] of t.cut) {
    expect(from).not.toBe(to);
    expect(nodes).toContain(from);
    expect(nodes).toContain(to);
  }
  for (const g of t.groups) for (const n of g) expect(nodes).toContain(n);
  expect(t.description.length).toBeGreaterThan(0);
  expect(JSON.parse(JSON.stringify(t))).toEqual(t); // plain data, as the history records it
}

describe('complete', () => {
  it('cuts every link between different groups, both ways, and none inside a group', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        let next = 0;
        const groups = sizes.map((size) => Array.from({ length: size }, () => `n${next++}`));
        const cut = complete(groups);
        const total = sizes.reduce((a, b) => a + b, 0);
        expect(cut).toHaveLength(total * total - sizes.reduce((a, b) => a + b * b, 0));
        const groupOf = new Map(groups.flatMap((g, i) => g.map((n) => [n, i] as const)));
        for (const [from, to] of cut) expect(groupOf.get(from)).not.toBe(groupOf.get(to));
        for (const [from, to] of cut) expect(cut).toContainEqual([to, from]);
      }),
    );
  });
});

describe('isolate', () => {
  it('separates exactly one node from all the others, both ways, and leaves the rest whole', () => {
    fc.assert(
      fc.property(clusterAndSeed(2), ([nodes, seed]) => {
        const t = isolate(nodes, createRandom(seed));
        wellFormed(t, nodes, 'isolate');
        const alone = nodes.filter((n) => nodes.every((m) => m === n || !sees(t.cut, n, m)));
        expect(alone).toHaveLength(nodes.length === 2 ? 2 : 1); // with two nodes, each is alone
        const [loner] = t.groups[0]!;
        expect(t.groups).toEqual([[loner], nodes.filter((n) => n !== loner)]);
        expect(t.cut).toHaveLength(2 * (nodes.length - 1));
        for (const a of t.groups[1]!) for (const b of t.groups[1]!) expect(reaches(t.cut, a, b)).toBe(true);
        expect(t.description).toBe(`${loner} cut off from {${t.groups[1]!.join(', ')}}`);
      }),
    );
  });
});

describe('halves', () => {
  it('splits the nodes into ⌊n/2⌋ and ⌈n/2⌉ that cannot see each other', () => {
    fc.assert(
      fc.property(clusterAndSeed(2), ([nodes, seed]) => {
        const t = halves(nodes, createRandom(seed));
        wellFormed(t, nodes, 'halves');
        const [small, large] = t.groups as [string[], string[]];
        expect(small).toHaveLength(Math.floor(nodes.length / 2));
        expect(large).toHaveLength(Math.ceil(nodes.length / 2));
        expect([...small, ...large].sort()).toEqual([...nodes].sort());
        expect(t.cut).toEqual(complete([small, large]));
        for (const a of small) for (const b of large) expect(reaches(t.cut, a, b) || reaches(t.cut, b, a)).toBe(false);
      }),
    );
  });
});

describe('majorities-ring', () => {
  it('lets every node reach a majority, and no two nodes the same majority', () => {
    fc.assert(
      fc.property(clusterAndSeed(3), ([nodes, seed]) => {
        const t = majoritiesRing(nodes, createRandom(seed));
        wellFormed(t, nodes, 'majorities-ring');
        const v = views(nodes, t.cut);
        for (const n of nodes) expect(v[n]!.length).toBeGreaterThanOrEqual(majority(nodes.length));
        const distinct = new Set(nodes.map((n) => [...v[n]!].sort().join()));
        expect(distinct.size).toBe(nodes.length);
        // groups say the same thing: each node's group is what it reaches
        for (const g of t.groups) expect([...g].sort()).toEqual([...v[g[0]!]!].sort());
      }),
    );
  });

  it('from 4 nodes on, cuts whole links (both directions)', () => {
    fc.assert(
      fc.property(clusterAndSeed(4), ([nodes, seed]) => {
        const t = majoritiesRing(nodes, createRandom(seed));
        for (const [from, to] of t.cut) expect(reaches(t.cut, to, from)).toBe(false);
      }),
    );
  });

  it('with 5 nodes, each node sees exactly its two ring neighbours', () => {
    for (let seed = 0; seed < 50; seed++) {
      const nodes = ids(5);
      const v = views(nodes, majoritiesRing(nodes, createRandom(seed)).cut);
      for (const n of nodes) expect(v[n]).toHaveLength(3);
    }
  });

  it('with 3 nodes, is a one-way ring: each node reaches one other and is reached by the third', () => {
    for (let seed = 0; seed < 50; seed++) {
      const nodes = ids(3);
      const t = majoritiesRing(nodes, createRandom(seed));
      expect(t.cut).toHaveLength(3);
      for (const n of nodes) {
        expect(t.cut.filter(([from]) => from === n)).toHaveLength(1);
        expect(t.cut.filter(([, to]) => to === n)).toHaveLength(1);
      }
      for (const [from, to] of t.cut) expect(reaches(t.cut, to, from)).toBe(true);
    }
  });
});

describe('bridge', () => {
  it('has one node that sees everyone, between two sides that cannot see each other', () => {
    fc.assert(
      fc.property(clusterAndSeed(3), ([nodes, seed]) => {
        const t = bridge(nodes, createRandom(seed));
        wellFormed(t, nodes, 'bridge');
        const [left, right] = t.groups as [string[], string[]];
        const middle = left[left.length - 1]!;
        expect(right[0]).toBe(middle);
        const sideA = left.slice(0, -1);
        const sideB = right.slice(1);
        expect(sideA.length + sideB.length).toBe(nodes.length - 1);
        expect(Math.abs(sideA.length - sideB.length)).toBeLessThanOrEqual(1);
        expect(views(nodes, t.cut)[middle]).toHaveLength(nodes.length);
        for (const n of nodes) if (n !== middle) expect(sees(t.cut, n, middle)).toBe(true);
        for (const a of sideA) for (const b of sideB) expect(reaches(t.cut, a, b) || reaches(t.cut, b, a)).toBe(false);
      }),
    );
  });
});

describe('isolate-one-way', () => {
  it('cuts only the outbound links of one node', () => {
    fc.assert(
      fc.property(clusterAndSeed(2), ([nodes, seed]) => {
        const t = isolateOneWay(nodes, createRandom(seed));
        wellFormed(t, nodes, 'isolate-one-way');
        const [loner] = t.groups[0]!;
        expect(t.cut).toHaveLength(nodes.length - 1);
        for (const [from] of t.cut) expect(from).toBe(loner);
        expect(views(nodes, t.cut)[loner!]).toEqual([loner]);
        for (const n of nodes) if (n !== loner) expect(views(nodes, t.cut)[n]).toHaveLength(nodes.length);
      }),
    );
  });
});

describe('every topology', () => {
  it('gives the same partition for the same seed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOPOLOGY_NAMES), clusterAndSeed(3), (name, [nodes, seed]) => {
        expect(topology(name, nodes, createRandom(seed))).toEqual(topology(name, nodes, createRandom(seed)));
      }),
    );
  });

  it('varies with the seed', () => {
    for (const name of TOPOLOGY_NAMES) {
      const seen = new Set(Array.from({ length: 40 }, (_, seed) => JSON.stringify(topology(name, ids(5), createRandom(seed)).cut)));
      expect(seen.size, name).toBeGreaterThan(3);
    }
  });

  it('refuses a cluster too small for it, saying so', () => {
    for (const name of TOPOLOGY_NAMES) {
      const min = MIN_NODES[name];
      expect(() => topology(name, ids(min - 1), createRandom(1))).toThrow(UsageError);
      expect(() => topology(name, ids(min - 1), createRandom(1))).toThrow(`the ${name} partition needs at least ${min} nodes`);
      expect(() => topology(name, ids(min), createRandom(1))).not.toThrow();
    }
    expect(() => topology('nope' as TopologyName, ids(3), createRandom(1))).toThrow(/unknown partition topology "nope"/);
  });

  it('describes itself in a sentence that names the nodes', () => {
    const nodes = ids(5);
    const r = () => createRandom(7);
    expect(isolate(nodes, r()).description).toMatch(/^node-\d cut off from \{node-\d(, node-\d){3}\}$/);
    expect(halves(nodes, r()).description).toMatch(/^\{node-\d, node-\d\} cut off from \{node-\d, node-\d, node-\d\}$/);
    expect(bridge(nodes, r()).description).toMatch(/^node-\d bridges \{.+\} and \{.+\}, which cannot see each other$/);
    expect(majoritiesRing(nodes, r()).description).toMatch(/^ring (node-\d – ){5}node-\d: each node sees only its two ring neighbours$/);
    expect(majoritiesRing(ids(3), r()).description).toMatch(/^one-way ring (node-\d → ){3}node-\d: each node reaches only the next one$/);
    expect(isolateOneWay(nodes, r()).description).toMatch(/^(node-\d) cannot reach \{.+\}; they can still reach \1$/);
  });
});
