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

describe('explanations of replica sets moved by membership changes', () => {
  const defaults = { N: 3, R: 2, W: 2, quorum: 'sloppy', readRepair: 'async', durable: false } as const;

  it('a read whose replica set gained a node that joined with no copy: the join, the node pushed out, and what the read quorum answered', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k7', 37, 10_000, 10_010, 'ok', { trace: { version: 3, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-2', version: 3, ok: true }] } });
      h.op(0, 'write', 'k7', 41, 11_000, 11_010, 'ok', {
        trace: { version: 4, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-1', version: 4, ok: true }, { node: 'node-3', version: 4, ok: true }, { node: 'node-2', version: 3, ok: false }] },
      });
      h.nemesis('join', 12_100, { node: 'node-6', nodes: ['node-6'], members: ['node-1', 'node-2', 'node-3', 'node-6'], description: 'node-6 joined' });
      h.op(1, 'read', 'k7', 37, 12_400, 12_410, 'ok', {
        node: 'node-6',
        trace: { version: 3, replicaSet: ['node-6', 'node-1', 'node-2'], replicas: [{ node: 'node-6', version: null }, { node: 'node-2', version: 3 }, { node: 'node-1', version: null, ok: false }] },
      });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation } = explainStaleRead(godistExplainer(defaults, faultSpans(h)), stale!);
    expect(cause).toBe('membership');
    expect(explanation).toBe(
      'read of k7 through node-6 at 12.40 s returned 37 (version 3), but 41 (version 4) had been acknowledged at 11.01 s, 1390 ms before the read began: ' +
        'the replica set of k7 moved from {node-1, node-2, node-3} (at the write) to {node-6, node-1, node-2} (at the read): it gained node-6, which joined the cluster at 12.10 s with no copy of k7; ' +
        'node-3 was pushed out of it by the join; nothing is handed over when members change; the read quorum {node-6, node-2} answered nothing (node-6) and version 3 (node-2).',
    );
  });

  it('a lost write whose replicas all left: each leaver took its copy with it', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'u4', 9, 1000, 1010, 'ok', {
        trace: { version: 1, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: ['node-1', 'node-2', 'node-3'].map((node) => ({ node, version: 1, ok: true })) },
      });
      for (const [i, node] of ['node-1', 'node-2', 'node-3'].entries()) {
        h.nemesis('join', 2000 + 1000 * i, { node: `node-${4 + i}`, nodes: [`node-${4 + i}`], description: `node-${4 + i} joined` });
        h.nemesis('leave', 2500 + 1000 * i, { node, nodes: [node], description: `${node} left` });
      }
      h.op(1, 'read', 'u4', null, 6000, 6010, 'ok', {
        final: true,
        node: 'node-4',
        trace: { version: null, replicaSet: ['node-4', 'node-5', 'node-6'], replicas: [{ node: 'node-4', version: null }, { node: 'node-6', version: null }] },
      });
    });
    const { lost } = findLostWrites(pairOps(h));
    const { cause, explanation } = explainLostWrite(godistExplainer(defaults, faultSpans(h)), lost[0]!);
    expect(cause).toBe('membership');
    expect(explanation).toContain(
      'it gained node-4, which joined the cluster at 2.00 s with no copy of u4, node-5, which joined the cluster at 3.00 s and node-6, which joined the cluster at 4.00 s with no copy of u4; ' +
        'it lost node-1, which left the cluster at 2.50 s taking its copy with it, node-2, which left the cluster at 3.50 s taking its copy with it and node-3, which left the cluster at 4.50 s taking its copy with it',
    );
  });

  it('a write whose version read heard a newcomer with no copy was given a version too low: the join is named', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k2', 10, 0, 10, 'ok', { trace: { version: 6, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-3', version: 6, ok: true }] } });
      h.nemesis('join', 1000, { node: 'node-4', nodes: ['node-4'], description: 'node-4 joined' });
      h.nemesis('join', 1500, { node: 'node-5', nodes: ['node-5'], description: 'node-5 joined' });
      h.op(1, 'write', 'k2', 11, 2000, 2010, 'ok', {
        node: 'node-4',
        trace: {
          version: 1,
          replicaSet: ['node-4', 'node-5', 'node-3'],
          read: [{ node: 'node-4', version: null }, { node: 'node-5', version: null }],
          replicas: [{ node: 'node-4', version: 1, ok: true }, { node: 'node-5', version: 1, ok: true }],
        },
      });
      h.op(2, 'read', 'k2', 10, 2100, 2110, 'ok', { node: 'node-3', trace: { version: 6, replicaSet: ['node-4', 'node-5', 'node-3'], replicas: [{ node: 'node-3', version: 6 }, { node: 'node-4', version: 1 }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    const { cause, explanation } = explainStaleRead(godistExplainer(defaults, faultSpans(h)), stale!);
    expect(cause).toBe('membership');
    expect(explanation).toContain(
      '11 was written as version 1, not above the version 6 the read returned, so the older value wins every comparison: its coordinator chose max + 1 from replicas that did not hold version 6: ' +
        'the version read asked node-4, which joined the cluster at 1.00 s with no copy of k2 and node-5, which joined the cluster at 1.50 s with no copy of k2 (nothing is handed over when members change)',
    );
  });

  it('a replica set moved by a dead mark, with no join or leave near it, is still the sloppy quorum', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k7', 1, 1000, 1010, 'ok', { trace: { version: 1, replicaSet: ['node-1', 'node-3', 'node-4'], replicas: [{ node: 'node-3', version: 1, ok: true }, { node: 'node-4', version: 1, ok: true }] } });
      h.nemesis('join', 2000, { node: 'node-6', nodes: ['node-6'], description: 'node-6 joined' });
      h.op(1, 'read', 'k7', null, 3000, 3010, 'ok', { trace: { version: null, replicaSet: ['node-1', 'node-2', 'node-3'], replicas: [{ node: 'node-1', version: null }, { node: 'node-2', version: null }] } });
    });
    const [stale] = findStaleReads(pairOps(h));
    expect(explainStaleRead(godistExplainer(defaults, faultSpans(h)), stale!).cause).toBe('replica-set-moved');
  });
});
