/**
 * The version witness on hand-made histories: the order it builds (writes by version and writer,
 * reads after the write they returned, ops of unknown outcome placed by a read or left out, ops
 * without a version fitted in by the model), the facts that refute on their own, and the pass in
 * a whole check (decidedBy, `versions: false`, a refuted key ending the check).
 */
import { describe, expect, it } from 'vitest';
import { check, models, toOperations, type Operation } from '../../harness/checker/index.js';
import { toWitnessOps } from '../../harness/checker/version-pass.js';
import { findRefutingFact } from '../../harness/checker/refuting-facts.js';
import { witnessLinearization } from '../../harness/checker/version-witness.js';
import type { HistoryOp } from '../../harness/history/op.js';
import { cas, history, read, write, type OpSpec } from './helpers.js';

type Reported = { version: number | null; writer?: string } | { modRevision: number | null };

/** A history whose completions carry the versions given per process (as godist's traces do). */
function traced(specs: [OpSpec, Reported?][]): HistoryOp[] {
  const h = history(...specs.map(([spec]) => spec));
  const byProcess = new Map(specs.map(([spec, v]) => [spec.process, v]));
  for (const rec of h) {
    const v = byProcess.get(rec.process as number);
    if (rec.type !== 'invoke' && v) rec.trace = { ...v };
  }
  return h;
}

const seconds = (t: number) => `${t / 1e9} s`;

function witness(h: HistoryOp[], model: 'register' | 'cas-register' = 'register') {
  const m = models[model];
  const ops = toOperations(h).filter((op) => !(op.return === Infinity && op.f === 'read'));
  return witnessLinearization(m, toWitnessOps(m, ops), { key: ops[0]?.key ?? null, formatTime: seconds });
}

/** Op ids (invoke indexes) by process, to state an expected order. */
function ids(h: HistoryOp[]): (process: number) => number {
  return (p) => h.find((r) => r.type === 'invoke' && r.process === p)!.index;
}

describe('the order the versions give', () => {
  it('puts writes in version order and each read right after the write whose version it returned, whatever the call order', () => {
    // Three writes in flight together, called in the order opposite to their versions.
    const h = traced([
      [write(0, 'k', 'c', 0, 10), { version: 3, writer: 'node-1' }],
      [write(1, 'k', 'b', 1, 10), { version: 2, writer: 'node-1' }],
      [write(2, 'k', 'a', 2, 10), { version: 1, writer: 'node-1' }],
      [read(3, 'k', 'b', 3, 10), { version: 2, writer: 'node-1' }],
      [read(4, 'k', 'a', 4, 10), { version: 1, writer: 'node-1' }],
      [read(5, 'k', 'c', 11, 12), { version: 3, writer: 'node-1' }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(2), id(4), id(1), id(3), id(0), id(5)] });
  });

  it('puts a read that found nothing before the first write (godist answers 404 without a version)', () => {
    const h = traced([[write(0, 'k', 1, 0, 4), { version: 1, writer: 'node-1' }], [read(1, 'k', null, 1, 2)], [read(2, 'k', 1, 5, 6), { version: 1, writer: 'node-1' }]]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(1), id(0), id(2)] });
  });

  it('breaks a tie of versions by writer, names with numbers by their number (node-2 before node-10), as the replicas keep them', () => {
    const h = traced([
      [write(0, 'k', 'x', 0, 5), { version: 4, writer: 'node-10' }],
      [write(1, 'k', 'y', 0, 5), { version: 4, writer: 'node-2' }],
      [read(2, 'k', 'y', 1, 5), { version: 4, writer: 'node-2' }],
      [read(3, 'k', 'x', 6, 7), { version: 4, writer: 'node-10' }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(1), id(2), id(0), id(3)] });
  });

  it('places a write of unknown outcome at the version a later read returned with its value', () => {
    // The write timed out (no reply, no version); a read returned its value at version 2 (node-3).
    const h = traced([
      [write(0, 'k', 'a', 0, 1), { version: 1, writer: 'node-1' }],
      [write(1, 'k', 'b', 2, undefined)],
      [read(2, 'k', 'b', 5, 6), { version: 2, writer: 'node-3' }],
      [write(3, 'k', 'c', 7, 8), { version: 3, writer: 'node-1' }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(0), id(1), id(2), id(3)] });
  });

  it('leaves out a write of unknown outcome that no read returned, even one that reported a version', () => {
    // node-2's write missed its quorum (info, version 2 reported); a write acknowledged before it
    // was called has the higher version 3: placed at 2, it would break real time.
    const h = traced([
      [write(0, 'k', 'a', 0, 1), { version: 3, writer: 'node-1' }],
      [write(1, 'k', 'b', 2, 3, 'info'), { version: 2, writer: 'node-2' }],
      [read(2, 'k', 'a', 4, 5), { version: 3, writer: 'node-1' }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(0), id(2)] });
  });

  it('places a write of unknown outcome at its reported version when a cas after it needs its value', () => {
    const h = traced(
      [
        [write(0, 'k', 1, 0, 1, 'info'), { version: 1 }],
        [cas(1, 'k', 1, 2, 2, 3), { version: 2 }],
        [read(2, 'k', 2, 4, 5), { version: 2 }],
      ],
    );
    const id = ids(h);
    expect(witness(h, 'cas-register')).toEqual({ kind: 'linearizable', order: [id(0), id(1), id(2)] });
  });

  it('fits ops without a version in by the model: a read without one, a cas whose compare failed', () => {
    const h = traced([
      [write(0, 'k', 1, 0, 1), { version: 1 }],
      [write(1, 'k', 2, 2, 3), { version: 2 }],
      [read(2, 'k', 1, 0.5, 2.5)], // no version: only after write 1 and before write 2 fits
      [cas(3, 'k', 7, 8, 4, 5)], // made a cas whose compare failed below (as a Jepsen log's :fail :cas)
    ]);
    const ops = toOperations(h);
    ops.find((op) => op.f === 'cas')!.output = false;
    const m = models['cas-register'];
    const id = ids(h);
    expect(witnessLinearization(m, toWitnessOps(m, ops))).toEqual({ kind: 'linearizable', order: [id(0), id(2), id(1), id(3)] });
  });

  it('reads etcd-style mod revisions from the trace when there is no version', () => {
    const h = traced([
      [write(0, 'k', 'a', 0, 3), { modRevision: 12 }],
      [write(1, 'k', 'b', 0, 3), { modRevision: 11 }],
      [read(2, 'k', 'b', 1, 3), { modRevision: 11 }],
    ]);
    const id = ids(h);
    expect(toOperations(h).map((op) => op.version)).toEqual([12, 11, 11]);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(1), id(2), id(0)] });
  });
});

describe('versions that do not lead to a linearization', () => {
  it('say nothing: the witness gives up and says why, and the search decides (linearizable here)', () => {
    // Versions reversed against real time: write a completed before write b began.
    const h = traced([
      [write(0, 'k', 'a', 0, 1), { version: 2 }],
      [write(1, 'k', 'b', 2, 3), { version: 1 }],
      [read(2, 'k', 'b', 4, 5), { version: 1 }],
    ]);
    const w = witness(h);
    expect(w.kind).toBe('no-witness');
    expect(w.kind === 'no-witness' && w.why).toBe('the order by versions puts op 4 (read, called at 4 s) before op 0 (write, called at 0 s), which returned at 1 s, before it was called');
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.partitions[0]).toMatchObject({ valid: true, decidedBy: 'search' });
  });

  it('are not trusted over values: a read whose version names a write of another value is fitted in by the model', () => {
    // The read's version names write b, which began after the read ended; its value is a's.
    const h = traced([
      [write(0, 'k', 'a', 0, 1), { version: 1 }],
      [read(1, 'k', 'a', 2, 3), { version: 2 }],
      [write(2, 'k', 'b', 4, 5), { version: 2 }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({ kind: 'linearizable', order: [id(0), id(1), id(2)] });
  });
});

describe('facts that refute on their own', () => {
  it('a read of a value no op wrote', () => {
    const h = traced([[write(0, 'k3', 1, 0, 1), { version: 1 }], [read(1, 'k3', 5, 2, 3.25), { version: 1 }]]);
    const w = witness(h);
    expect(w).toEqual({ kind: 'refuted', fact: 'never-written', explanation: 'read of k3 returned 5 at 3.25 s, but 5 was never written to k3', ops: [ids(h)(1)] });
  });

  it('a read of a value whose only write began after the read ended', () => {
    const h = traced([[read(0, 'k', 7, 1, 2), { version: 1 }], [write(1, 'k', 7, 5, 6), { version: 1 }]]);
    const id = ids(h);
    expect(witness(h)).toEqual({
      kind: 'refuted',
      fact: 'written-after-read',
      explanation: 'read of k returned 7 at 2 s, but the only write of 7 to k began after this read ended, at 5 s',
      ops: [id(0), id(1)],
    });
  });

  it('a read of a value every write of which began after the read ended; a write of unknown outcome counts', () => {
    const h = traced([
      [read(0, 'k', 7, 1, 2), { version: 1 }],
      [write(1, 'k', 7, 6, 7), { version: 1 }],
      [write(2, 'k', 7, 5, undefined)],
    ]);
    const w = witness(h);
    expect(w.kind === 'refuted' && w.explanation).toBe('read of k returned 7 at 2 s, but every write of 7 to k began after this read ended (the first at 5 s)');
    expect(w.kind === 'refuted' && w.ops).toEqual([ids(h)(0), ids(h)(2)]);
  });

  it('a read of a value overwritten before it began: every write of the value had returned before the overwrite began', () => {
    const h = traced([
      [write(0, 'k3', 17, 0, 1), { version: 1 }],
      [write(1, 'k3', 18, 2, 3.9), { version: 2 }],
      [read(2, 'k3', 17, 4, 4.1), { version: 1 }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({
      kind: 'refuted',
      fact: 'overwritten',
      explanation:
        'read of k3 returned 17 at 4.1 s, but 17 had been overwritten by a write of 18, acknowledged at 3.9 s, before this read began at 4 s, and every write of 17 that could come before it had been acknowledged before that write began',
      ops: [id(2), id(1)],
    });
  });

  it('a read that went back in time: an earlier read had seen a newer value, after every write of this one', () => {
    const h = traced([
      [write(0, 'k', 1, 0, 1), { version: 1 }],
      [write(1, 'k', 2, 0.5, 6), { version: 2 }],
      [read(2, 'k', 2, 2, 4), { version: 2 }],
      [read(3, 'k', 1, 5, 6), { version: 1 }],
    ]);
    const id = ids(h);
    expect(witness(h)).toEqual({
      kind: 'refuted',
      fact: 'overwritten',
      explanation:
        'read of k returned 1 at 6 s, but an earlier read had already returned 2 at 4 s, before this read began at 5 s, and every write of 1 that could come before it had been acknowledged before that read began',
      ops: [id(3), id(2)],
    });
  });

  it('a read of nothing after a write had been acknowledged', () => {
    const h = traced([[write(0, 'a', 1, 0, 1), { version: 1 }], [read(1, 'a', null, 2, 3)]]);
    const w = witness(h);
    expect(w.kind === 'refuted' && [w.fact, w.explanation]).toEqual(['overwritten', 'read of a found no value at 3 s, but a write of 1 to a had been acknowledged at 1 s, before this read began at 2 s']);
  });

  it('no overwrite when a write of the value returned at the very instant the overwrite began (they touch: either may come first)', () => {
    // write 17 [0, 2], write 18 [2, 3], read → 17 [4, 5]: 18 then 17 is a linearization.
    const h = history(write(0, 'k', 17, 0, 2), write(1, 'k', 18, 2, 3), read(2, 'k', 17, 4, 5));
    expect(findRefutingFact(toWitnessOps(models.register, toOperations(h)))).toBeUndefined();
    expect(check(h, { versions: false }).valid).toBe(true);
  });

  it('no fact when a write of the value was called by the time the read returned (they touch: concurrent)', () => {
    const h = traced([[read(0, 'k', 7, 1, 2), { version: 1 }], [write(1, 'k', 7, 2, 6), { version: 1 }]]);
    expect(witness(h).kind).toBe('linearizable');
  });
});

describe('the version pass in a check', () => {
  const two = (): HistoryOp[] =>
    traced([
      [write(0, 'a', 1, 0, 1), { version: 1, writer: 'node-1' }],
      [read(1, 'a', 1, 2, 3), { version: 1, writer: 'node-1' }],
      [write(2, 'b', 2, 0, 1), { version: 1, writer: 'node-1' }],
      [read(3, 'b', 9, 2, 3), { version: 1, writer: 'node-1' }],
    ]);

  it('decides keys by versions without a search step, and says so', () => {
    const r = check(two(), { perKey: true });
    expect(r.valid).toBe(false);
    expect(r.partitions).toMatchObject([
      { key: 'a', valid: true, decidedBy: 'versions', steps: 0 },
      {
        key: 'b',
        valid: false,
        decidedBy: 'versions',
        steps: 0,
        failure: { explanation: 'read of b returned 9 at 3 s, but 9 was never written to b', longest: [], stateAfter: 'empty', fact: { name: 'never-written' } },
      },
    ]);
    expect(r.partitions[1]!.failure!.couldNotPlace.map((op) => op.description)).toEqual(['read → 9']);
  });

  it('with versions: false, searches every key, as before the pass', () => {
    const r = check(two(), { perKey: true, versions: false });
    expect(r.valid).toBe(false);
    expect(r.partitions.map((p) => p.decidedBy)).toEqual(['search', 'search']);
    expect(r.partitions[1]!.failure!.fact).toBeUndefined();
    expect(r.partitions[0]!.steps).toBeGreaterThan(0);
  });

  it('a key the versions refute ends the check, as the search does, unless every key gets a verdict', () => {
    const h = [...two(), ...traced([[write(4, 'c', 1, 0, 1)], [read(5, 'c', 1, 2, 3)]]).map((r) => ({ ...r, index: r.index + 100 }))];
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.partitions.map((p) => [p.key, p.valid, p.unknownReason ?? p.decidedBy])).toEqual([
      ['a', true, 'versions'],
      ['b', false, 'versions'],
      ['c', 'unknown', 'not-checked'],
    ]);
  });

  it('skips keys without a single version: checked exactly as before', () => {
    const h = history(write(0, 'k', 1, 0, 1), read(1, 'k', 1, 2, 3));
    expect(check(h).partitions[0]).toMatchObject({ valid: true, decidedBy: 'search' });
  });
});

describe('versions on ops', () => {
  it('toOperations keeps the version and writer of ok and info completions (a reply that missed its quorum still says it)', () => {
    const h = traced([
      [write(0, 'k', 1, 0, 1), { version: 1, writer: 'node-1' }],
      [write(1, 'k', 2, 2, 3, 'info'), { version: 2, writer: 'node-2' }],
      [read(2, 'k', null, 4, 5), { version: null }],
    ]);
    const ops: Operation[] = toOperations(h);
    expect(ops.map((op) => [op.version, op.writer])).toEqual([
      [1, 'node-1'],
      [2, 'node-2'],
      [null, undefined],
    ]);
    expect(ops[1]!.return).toBe(Infinity);
  });
});
