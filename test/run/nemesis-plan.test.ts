import { describe, expect, it } from 'vitest';
import { planFaults } from '../../harness/run/nemesis-plan.js';
import { createRandom } from '../../harness/shared/random.js';

const nodes = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];

describe('fault schedule', () => {
  it('the same seed gives the same schedule, another seed another one', () => {
    const plan = (seed: number) => planFaults({ kinds: ['kill', 'pause', 'partition', 'delay'], interval: 5, timeLimit: 60, nodes, random: createRandom(seed) });
    expect(plan(7)).toEqual(plan(7));
    expect(JSON.stringify(plan(7))).not.toEqual(JSON.stringify(plan(8)));
  });

  it('faults never overlap and all end before the time limit', () => {
    for (let seed = 0; seed < 50; seed++) {
      const windows = planFaults({ kinds: ['kill', 'pause', 'partition'], interval: 3, timeLimit: 20, nodes, random: createRandom(seed) });
      expect(windows.length).toBeGreaterThan(0);
      windows.forEach((w, i) => {
        expect(w.end).toBeGreaterThan(w.start);
        expect(w.end).toBeLessThan(20);
        if (i > 0) expect(w.start).toBeGreaterThanOrEqual(windows[i - 1]!.end);
      });
    }
  });

  it('uses only the kinds asked for, and none when none are', () => {
    const windows = planFaults({ kinds: ['pause'], interval: 2, timeLimit: 30, nodes, random: createRandom(1) });
    expect(new Set(windows.map((w) => w.fault.kind))).toEqual(new Set(['pause']));
    expect(planFaults({ kinds: [], interval: 2, timeLimit: 30, nodes, random: createRandom(1) })).toEqual([]);
  });

  it('kills target one node, a minority, a majority or all of them', () => {
    const sizes = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      for (const w of planFaults({ kinds: ['kill'], interval: 2, timeLimit: 30, nodes, random: createRandom(seed) })) {
        if (w.fault.kind === 'kill') sizes.add(w.fault.nodes.length);
      }
    }
    expect([...sizes].sort()).toEqual([1, 2, 3, 5]);
  });

  it('membership changes keep the cluster between --nodes and --max-nodes, give joiners fresh ids, and later faults target the members of the day', () => {
    const three = ['node-1', 'node-2', 'node-3'];
    let joins = 0;
    let leaves = 0;
    for (let seed = 0; seed < 40; seed++) {
      const windows = planFaults({ kinds: ['membership', 'kill', 'partition'], interval: 2, timeLimit: 40, nodes: three, maxNodes: 5, random: createRandom(seed) });
      let members = [...three];
      const ever = new Set(three);
      for (const w of windows) {
        const f = w.fault;
        if (f.kind === 'join') {
          joins++;
          expect(ever.has(f.node), `${f.node} is a fresh id`).toBe(false);
          expect(f.node).toBe(`node-${ever.size + 1}`);
          ever.add(f.node);
          members.push(f.node);
        } else if (f.kind === 'leave') {
          leaves++;
          expect(members).toContain(f.node);
          members = members.filter((n) => n !== f.node);
        } else if (f.kind === 'kill') {
          for (const n of f.nodes) expect(members).toContain(n);
        } else if (f.kind === 'partition') {
          for (const n of f.topology.groups.flat()) expect(members).toContain(n);
        }
        expect(members.length).toBeGreaterThanOrEqual(3);
        expect(members.length).toBeLessThanOrEqual(5);
      }
    }
    expect(joins).toBeGreaterThan(20);
    expect(leaves).toBeGreaterThan(20);
  });

  it('a schedule without membership changes is the same as before they existed: maxNodes draws nothing', () => {
    const plan = (maxNodes?: number) =>
      planFaults({ kinds: ['kill', 'pause', 'partition'], interval: 3, timeLimit: 30, nodes, random: createRandom(11), ...(maxNodes ? { maxNodes } : {}) });
    expect(plan(9)).toEqual(plan());
  });
});
