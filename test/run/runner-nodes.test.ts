import { describe, expect, it } from 'vitest';
import { nodeChooser } from '../../harness/run/runner.js';

describe('which node a process talks to', () => {
  it('with fixed members, process mod members, as Jepsen maps them', () => {
    const cluster = { ids: ['node-1', 'node-2', 'node-3'] };
    const choose = nodeChooser(cluster, 4);
    expect([0, 1, 2, 3].map((w) => choose(w, w))).toEqual(['node-1', 'node-2', 'node-3', 'node-1']);
    // A process keeps its node; a fresh process number (after an info) maps afresh.
    expect(choose(1, 1)).toBe('node-2');
    expect(choose(1, 5)).toBe('node-3');
  });

  it('a worker whose node left moves to the member fewest workers talk to; the others stay where they are', () => {
    const ids = ['node-1', 'node-2', 'node-3'];
    const cluster = { ids };
    const choose = nodeChooser(cluster, 6);
    const before = [0, 1, 2, 3, 4, 5].map((w) => choose(w, w));
    expect(before).toEqual(['node-1', 'node-2', 'node-3', 'node-1', 'node-2', 'node-3']);
    ids.push('node-4');
    ids.splice(ids.indexOf('node-2'), 1);
    const after = [0, 1, 2, 3, 4, 5].map((w) => choose(w, w));
    expect(after[0]).toBe('node-1');
    expect(after[2]).toBe('node-3');
    expect(after[3]).toBe('node-1');
    expect(after[5]).toBe('node-3');
    // node-2's two workers: the first goes to the empty newcomer, the second to the least loaded then.
    expect(after[1]).toBe('node-4');
    expect(after.filter((n) => n === 'node-2')).toEqual([]);
    const load = (id: string) => after.filter((n) => n === id).length;
    expect(Math.max(...ids.map(load)) - Math.min(...ids.map(load))).toBeLessThanOrEqual(1);
  });
});
