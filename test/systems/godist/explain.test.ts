import { describe, expect, it } from 'vitest';
import { findLostWrites } from '../../../harness/checks/lost-writes.js';
import { findStaleReads } from '../../../harness/checks/stale-reads.js';
import { explainLostWrite, explainStaleRead, type Explainer } from '../../../harness/checks/explain.js';
import type { FaultSpan } from '../../../harness/history/fault-spans.js';
import { systems } from '../../../harness/systems/index.js';
import { GODIST_DEFAULTS, type GodistSettings } from '../../../harness/systems/godist/settings.js';

/** The checks' explainer with GoDist behind it, at these settings. */
function godistExplainer(settings: Partial<GodistSettings>, faults: readonly FaultSpan[]): Explainer {
  return { system: systems['godist']!, ctx: { settings: { ...GODIST_DEFAULTS, ...settings, name: 'godist' }, faults } };
}
import { faultSpans } from '../../../harness/history/fault-spans.js';
import { pairOps } from '../../../harness/history/pairs.js';
import { historyOf } from '../../history/history-builder.js';

const weak = { N: 3, R: 1, W: 1, quorum: 'sloppy', readRepair: 'async', durable: false } as const;

describe('explanations', () => {
  it('names non-overlapping quorums when R + W ≤ N', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k3', 5, 0, 10, 'ok', { trace: { version: 5, replicas: [{ node: 'node-1', version: 5, ok: true }] } });
      h.op(0, 'write', 'k3', 6, 3000, 3900, 'ok', {
        trace: { version: 6, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-2', version: 6, ok: true }, { node: 'node-3', version: 6, ok: true }] },
      });
      h.op(1, 'read', 'k3', 5, 4100, 4110, 'ok', {
        node: 'node-1',
        trace: { version: 5, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-1', version: 5 }] },
      });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation: text } = explainStaleRead(godistExplainer(weak, faultSpans(h)), stale!);
    expect(cause).toBe('quorums-need-not-overlap');
    expect(text).toBe(
      'read of k3 through node-1 at 4.10 s returned 5 (version 5), but 6 (version 6) had been acknowledged at 3.90 s, 200 ms before the read began: ' +
        'the read quorum {node-1} answered version 5; the write was acknowledged by {node-2, node-3}; R + W = 2 ≤ N = 3, so the quorums need not overlap.',
    );
  });

  it('blames amnesia when a replica that acknowledged the write was killed and restarted in memory', () => {
    const settings = { N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync', durable: false } as const;
    const h = historyOf((h) => {
      h.op(0, 'write', 'k1', 1, 0, 10, 'ok', {
        trace: { version: 1, replicas: [{ node: 'node-1', version: 1, ok: true }, { node: 'node-2', version: 1, ok: true }] },
      });
      h.nemesis('kill', 1000, { nodes: ['node-1', 'node-2'], description: 'killed {node-1, node-2}' });
      h.nemesis('start', 2000, { nodes: ['node-1', 'node-2'], description: 'restarted {node-1, node-2}' });
      h.op(1, 'read', 'k1', null, 3000, 3010, 'ok', { trace: { version: null, replicas: [{ node: 'node-1', version: null }, { node: 'node-2', version: null }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation: text } = explainStaleRead(godistExplainer(settings, faultSpans(h)), stale!);
    expect(cause).toBe('amnesia');
    expect(text).toContain('every replica that had acknowledged it when the write returned ({node-1, node-2}) was killed at 1.00 s and restarted empty (in-memory store), forgetting the write');
    expect(text).toContain('then {node-1, node-2} answered nothing to the read');
  });

  it('shows the replica set moving under a sloppy quorum', () => {
    const settings = { N: 3, R: 2, W: 2, quorum: 'sloppy', readRepair: 'async', durable: false } as const;
    const h = historyOf((h) => {
      h.nemesis('partition', 500, { nodes: [], groups: [['node-2'], ['node-1', 'node-3', 'node-4']], description: 'node-2 cut off from {node-1, node-3, node-4}' });
      h.op(0, 'write', 'k7', 1, 1000, 1010, 'ok', { trace: { version: 1, replicaSet: ['node-1', 'node-3', 'node-4'], replicas: [{ node: 'node-3', version: 1, ok: true }, { node: 'node-4', version: 1, ok: true }] } });
      h.nemesis('heal', 2000, { description: 'healed the partition' });
      h.op(1, 'read', 'k7', null, 3000, 3010, 'ok', { trace: { version: null, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-1', version: null }, { node: 'node-2', version: null }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation: text } = explainStaleRead(godistExplainer(settings, faultSpans(h)), stale!);
    expect(cause).toBe('replica-set-moved');
    expect(text).toContain('the replica set of k7 moved from {node-1, node-3, node-4} (at the write) to {node-1, node-2, node-3} (at the read): {node-4} had been marked dead');
  });

  it('explains a lost write by the replicas that acknowledged it and were restarted empty', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'u1', 1, 0, 10, 'ok', { trace: { version: 1, replicas: [{ node: 'node-2', version: 1, ok: true }] } });
      h.nemesis('kill', 100, { nodes: ['node-2'], description: 'killed {node-2}' });
      h.nemesis('start', 200, { nodes: ['node-2'], description: 'restarted {node-2}' });
      h.op(1, 'read', 'u1', null, 1000, 1010, 'ok', { final: true, node: 'node-1', trace: { version: null, replicas: [{ node: 'node-2', version: null }] } });
    });
    const { lost } = findLostWrites(pairOps(h));
    const { cause, explanation: text } = explainLostWrite(godistExplainer(weak, faultSpans(h)), lost[0]!);
    expect(cause).toBe('amnesia');
    expect(text).toBe(
      'write of 1 to u1 (version 1) was acknowledged at 0.01 s, but the final reads through {node-1} returned nothing: ' +
        'the only replica that had acknowledged it when the write returned ({node-2}) was killed at 0.10 s and restarted empty (in-memory store), forgetting the write; then {node-2} answered nothing to the read.',
    );
  });
});

describe('explanations of versions that went back', () => {
  it('blames replicas restarted empty that handed out a lower version', () => {
    const settings = { N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync', durable: false } as const;
    const h = historyOf((h) => {
      h.op(0, 'write', 'k6', 189, 0, 10, 'ok', { trace: { version: 8, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-3', version: 8, ok: true }] } });
      h.nemesis('kill', 3780, { nodes: ['node-1', 'node-2'], description: 'killed {node-1, node-2}' });
      h.nemesis('start', 5080, { nodes: ['node-1', 'node-2'], description: 'restarted {node-1, node-2}' });
      h.op(1, 'write', 'k6', 293, 5086, 5090, 'ok', { trace: { version: 1, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-1', version: 1, ok: true }, { node: 'node-2', version: 1, ok: true }] } });
      h.op(2, 'read', 'k6', 189, 5220, 5230, 'ok', { node: 'node-1', trace: { version: 8, replicas: [{ node: 'node-3', version: 8 }, { node: 'node-1', version: 1 }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation } = explainStaleRead(godistExplainer(settings, faultSpans(h)), stale!);
    expect(cause).toBe('amnesia');
    expect(explanation).toBe(
      'read of k6 through node-1 at 5.22 s returned 189 (version 8), but 293 (version 1) had been acknowledged at 5.09 s, 130 ms before the read began: ' +
        '293 was written as version 1, not above the version 8 the read returned, so the older value wins every comparison: its coordinator chose max + 1 from replicas that had forgotten version 8, ' +
        'since {node-1, node-2} had been killed at 3.78 s and restarted empty at 5.08 s (in-memory store); the read quorum {node-3, node-1} answered version 8 (node-3) and version 1 (node-1).',
    );
  });
});

describe('explanations on durable nodes', () => {
  it('a durable node answering older than what it acknowledged before a restart is named a node bug', () => {
    const settings = { N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync', durable: true } as const;
    const h = historyOf((h) => {
      h.op(0, 'write', 'k1', 1, 0, 10, 'ok', { trace: { version: 1, replicas: [{ node: 'node-1', version: 1, ok: true }, { node: 'node-2', version: 1, ok: true }] } });
      h.nemesis('kill', 1000, { nodes: ['node-1', 'node-2'], description: 'killed {node-1, node-2}' });
      h.nemesis('start', 2000, { nodes: ['node-1', 'node-2'], description: 'restarted {node-1, node-2}' });
      h.op(1, 'read', 'k1', null, 3000, 3010, 'ok', { trace: { version: null, replicas: [{ node: 'node-1', version: null }, { node: 'node-2', version: null }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation } = explainStaleRead(godistExplainer(settings, faultSpans(h)), stale!);
    expect(cause).toBe('amnesia');
    expect(explanation).toContain(
      '{node-1, node-2} acknowledged the write, were killed at 1.00 s and restarted, then {node-1, node-2} answered nothing to the read: a durable node forgot a write it had acknowledged',
    );
  });
});
