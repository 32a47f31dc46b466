import { describe, expect, it } from 'vitest';
import { availabilityBySide } from '../../harness/checks/partition-sides.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { pairOps } from '../../harness/history/pairs.js';
import { historyOf } from '../history/history-builder.js';

const NODES = ['node-1', 'node-2', 'node-3'];

describe('availability on each side of a partition', () => {
  it('counts ops that ran during a partition by whether their node could talk to a majority, and leaves the rest out', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10, 'ok', { node: 'node-3' }); // before the partition: not counted
      h.nemesis('partition', 100, { groups: [['node-3'], ['node-1', 'node-2']], cut: [['node-3', 'node-1'], ['node-1', 'node-3'], ['node-3', 'node-2'], ['node-2', 'node-3']] });
      h.op(1, 'read', 'k', null, 110, 120, 'fail', { node: 'node-3' });
      h.op(2, 'write', 'k', 2, 130, 140, 'info', { node: 'node-3' });
      h.op(3, 'read', 'k', 1, 150, 160, 'ok', { node: 'node-3' });
      h.op(4, 'write', 'k', 3, 110, 120, 'ok', { node: 'node-1' });
      h.op(5, 'read', 'k', 3, 130, 140, 'ok', { node: 'node-2' });
      h.op(6, 'read', 'k', 3, 190, 205, 'ok', { node: 'node-3' }); // completed after the heal: not counted
      h.nemesis('heal', 200, {});
      h.op(7, 'read', 'k', 3, 210, 220, 'ok', { node: 'node-3' });
    });
    expect(availabilityBySide(pairOps(h), faultSpans(h), NODES)).toEqual({ minority: { count: 3, ok: 1 }, majority: { count: 2, ok: 2 } });
  });

  it('partitions that are not clean splits (a one-way cut, a bridge) are left out: their sides depend on what a cut link means to the system', () => {
    const h = historyOf((h) => {
      h.nemesis('partition', 0, { groups: [['node-3'], ['node-1', 'node-2']], cut: [['node-3', 'node-1'], ['node-3', 'node-2']] });
      h.op(1, 'read', 'k', null, 10, 20, 'ok', { node: 'node-3' });
      h.nemesis('heal', 50, {});
      h.nemesis('partition', 100, { groups: [['node-1', 'node-3'], ['node-3', 'node-2']], cut: [['node-1', 'node-2'], ['node-2', 'node-1']] });
      for (const [i, node] of NODES.entries()) h.op(i + 2, 'read', 'k', null, 110, 120, 'ok', { node });
    });
    expect(availabilityBySide(pairOps(h), faultSpans(h), NODES)).toEqual({ minority: { count: 0, ok: 0 }, majority: { count: 0, ok: 0 } });
  });
});
