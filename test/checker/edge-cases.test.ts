/** Hand-made histories with known verdicts: the corners of Jepsen's semantics and of the search. */
import { describe, expect, it } from 'vitest';
import { check, checkOperations, toOperations, type Model, type Operation } from '../../harness/checker/index.js';
import type { HistoryOp } from '../../harness/history/op.js';
import { UsageError } from '../../harness/shared/usage-error.js';
import { cas, history, read, write } from './helpers.js';

const verdict = (h: HistoryOp[], model: 'register' | 'cas-register' | 'kv' = 'register') => check(h, { model }).valid;

describe('edge cases', () => {
  it('an empty history is linearizable', () => {
    const r = check([]);
    expect(r.valid).toBe(true);
    expect(r.partitions).toEqual([]);
    expect(r.opCount).toBe(0);
  });

  it('a single write is linearizable', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1)))).toBe(true);
  });

  it('a single read of a key never written returns null and is linearizable', () => {
    expect(verdict(history(read(0, 'k', null, 0, 1)))).toBe(true);
  });

  it('a single read of a value never written is not linearizable', () => {
    expect(verdict(history(read(0, 'k', 5, 0, 1)))).toBe(false);
  });

  it('reads of missing keys see null while other keys are written', () => {
    expect(verdict(history(write(0, 'a', 1, 0, 1), read(1, 'b', null, 2, 3), read(2, 'a', 1, 2, 3)))).toBe(true);
  });

  it('a read of a missing key after a write of it completed is not linearizable', () => {
    expect(verdict(history(write(0, 'a', 1, 0, 1), read(1, 'a', null, 2, 3)))).toBe(false);
  });

  it('an info write must have taken effect when a later read sees its value', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3, 'info'), read(2, 'k', 2, 4, 5)))).toBe(true);
  });

  it('an info write may take effect long after its info completion (it returns at +infinity)', () => {
    expect(verdict(history(write(0, 'k', 2, 0, 1, 'info'), write(1, 'k', 1, 2, 3), read(2, 'k', 2, 4, 5)))).toBe(true);
  });

  it('an info write must not have taken effect when reads after it still see the old value', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3, 'info'), read(2, 'k', 1, 4, 5), read(3, 'k', 1, 6, 7)))).toBe(true);
  });

  it('an info write cannot take effect before it was invoked', () => {
    expect(verdict(history(read(0, 'k', 2, 0, 1), write(1, 'k', 2, 2, 3, 'info')))).toBe(false);
  });

  it('an info write cannot flip back and forth: 1, then its 2, then 1 again is not linearizable', () => {
    expect(
      verdict(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3, 'info'), read(2, 'k', 2, 4, 5), read(3, 'k', 1, 6, 7))),
    ).toBe(false);
  });

  it('an op that never completes (a crashed run) counts as info', () => {
    expect(verdict(history(write(0, 'k', 3, 0), read(1, 'k', 3, 1, 2)))).toBe(true);
  });

  it('a failed write did not happen: a read of its value is not linearizable', () => {
    expect(verdict(history(write(0, 'k', 3, 0, 1, 'fail'), read(1, 'k', 3, 2, 3)))).toBe(false);
  });

  it('an info read constrains nothing', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), read(1, 'k', 99, 2, 3, 'info')))).toBe(true);
  });

  it('a read concurrent with two concurrent writes may see either, but not a third value', () => {
    const writes = [write(0, 'k', 1, 0, 10), write(1, 'k', 2, 0, 10)];
    expect(verdict(history(...writes, read(2, 'k', 1, 5, 15)))).toBe(true);
    expect(verdict(history(...writes, read(2, 'k', 2, 5, 15)))).toBe(true);
    expect(verdict(history(...writes, read(2, 'k', null, 5, 15)))).toBe(true);
    expect(verdict(history(...writes, read(2, 'k', 3, 5, 15)))).toBe(false);
  });

  it('after two concurrent writes, sequential reads must agree on which came last', () => {
    const writes = [write(0, 'k', 1, 0, 10), write(1, 'k', 2, 0, 10)];
    expect(verdict(history(...writes, read(2, 'k', 1, 11, 12), read(3, 'k', 1, 13, 14)))).toBe(true);
    expect(verdict(history(...writes, read(2, 'k', 1, 11, 12), read(3, 'k', 2, 13, 14)))).toBe(false);
  });

  it('ops that touch (a return and a call at the same instant) are concurrent', () => {
    // The read is invoked at the very nanosecond the write of 2 returns: it may come first.
    expect(verdict(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3), read(2, 'k', 1, 3, 4)))).toBe(true);
    expect(verdict(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3), read(2, 'k', 1, 3.5, 4)))).toBe(false);
  });

  it('nemesis records are ignored', () => {
    const h = history(write(0, 'k', 1, 0, 1), read(1, 'k', 1, 2, 3));
    h.splice(1, 0, { index: 99, type: 'info', process: 'nemesis', f: 'partition', value: { cut: [['n1', 'n2']] }, time: 1 });
    expect(verdict(h)).toBe(true);
  });

  it('keys are independent: one bad key makes the history bad, and is the one named', () => {
    const r = check(history(write(0, 'a', 1, 0, 1), read(1, 'a', 1, 2, 3), write(2, 'b', 1, 0, 1), read(3, 'b', 7, 2, 3)));
    expect(r.valid).toBe(false);
    expect(r.partitions.map((p) => [p.key, p.valid])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('keys are listed in a natural order', () => {
    const r = check(history(write(0, 'k10', 1, 0, 1), write(1, 'k2', 1, 0, 1), write(2, 'k1', 1, 0, 1)));
    expect(r.partitions.map((p) => p.key)).toEqual(['k1', 'k2', 'k10']);
  });
});

describe('cas-register', () => {
  it('a cas that succeeded swapped the value', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), cas(1, 'k', 1, 2, 2, 3), read(2, 'k', 2, 4, 5)), 'cas-register')).toBe(true);
  });

  it('a cas cannot succeed when the value differs', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), cas(1, 'k', 5, 2, 2, 3)), 'cas-register')).toBe(false);
  });

  it('a failed cas (Jepsen: did not happen) constrains nothing', () => {
    expect(verdict(history(write(0, 'k', 1, 0, 1), cas(1, 'k', 1, 2, 2, 3, 'fail'), read(2, 'k', 1, 4, 5)), 'cas-register')).toBe(true);
  });

  it('a cas whose compare failed (etcd log meaning: output false) says the value was not the expected one', () => {
    const ops: Operation[] = [
      { id: 0, process: 0, f: 'write', value: 1, call: 0, return: 1 },
      { id: 1, process: 1, f: 'cas', value: [1, 2], output: false, call: 2, return: 3 },
    ];
    expect(checkOperations(ops, { model: 'cas-register' }).valid).toBe(false);
    ops[0]!.value = 3;
    expect(checkOperations(ops, { model: 'cas-register' }).valid).toBe(true);
  });

  it('an info cas may have swapped or not', () => {
    const base = [write(0, 'k', 1, 0, 1), cas(1, 'k', 1, 2, 2, 3, 'info')];
    expect(verdict(history(...base, read(2, 'k', 2, 4, 5)), 'cas-register')).toBe(true);
    expect(verdict(history(...base, read(2, 'k', 1, 4, 5)), 'cas-register')).toBe(true);
  });

  it('the plain register model refuses a cas, naming the op and the model to use', () => {
    expect(() => check(history(cas(0, 'k', 1, 2, 0, 1)), { model: 'register' })).toThrow(/op 0 .*use --model cas-register/);
  });
});

describe('kv', () => {
  const kvOp = (process: number, f: string, key: string, value: unknown, call: number, ret: number, result?: unknown) => ({
    process,
    f,
    key,
    value,
    call,
    ret,
    ...(result !== undefined ? { result } : {}),
  });

  it('get returns the appended string', () => {
    const h = history(kvOp(0, 'put', 'x', 'a', 0, 1), kvOp(1, 'append', 'x', 'b', 2, 3), kvOp(2, 'get', 'x', null, 4, 5, 'ab'));
    expect(verdict(h, 'kv')).toBe(true);
  });

  it('get of a key never written returns "" (or null)', () => {
    expect(verdict(history(kvOp(0, 'get', 'x', null, 0, 1, '')), 'kv')).toBe(true);
    expect(verdict(history(kvOp(0, 'get', 'x', null, 0, 1, null)), 'kv')).toBe(true);
  });

  it('appends in an order no interleaving allows are caught', () => {
    const h = history(kvOp(0, 'append', 'x', 'a', 0, 1), kvOp(1, 'append', 'x', 'b', 2, 3), kvOp(2, 'get', 'x', null, 4, 5, 'ba'));
    expect(verdict(h, 'kv')).toBe(false);
  });

  it('concurrent appends may land in either order', () => {
    const h = history(kvOp(0, 'append', 'x', 'a', 0, 3), kvOp(1, 'append', 'x', 'b', 0, 3), kvOp(2, 'get', 'x', null, 4, 5, 'ba'));
    expect(verdict(h, 'kv')).toBe(true);
  });
});

describe('joining invocations and completions', () => {
  it('refuses a second invoke by a process whose op is still open, naming the lines', () => {
    const h: HistoryOp[] = [
      { index: 0, type: 'invoke', process: 0, f: 'write', key: 'k', value: 1, time: 0 },
      { index: 1, type: 'invoke', process: 0, f: 'read', key: 'k', value: null, time: 1 },
    ];
    expect(() => toOperations(h, { lines: [3, 4] })).toThrow(UsageError);
    expect(() => toOperations(h, { lines: [3, 4] })).toThrow(/^line 4: process 0 invokes read while its write from line 3 has not completed/);
  });

  it('refuses a completion without an invoke', () => {
    const h: HistoryOp[] = [{ index: 0, type: 'ok', process: 2, f: 'write', key: 'k', value: 1, time: 0 }];
    expect(() => toOperations(h)).toThrow(/record 1 \(index 0\): process 2 completes \(ok\) a write it never invoked/);
  });

  it('refuses a completion of another f', () => {
    const h: HistoryOp[] = [
      { index: 0, type: 'invoke', process: 0, f: 'write', key: 'k', value: 1, time: 0 },
      { index: 1, type: 'ok', process: 0, f: 'read', key: 'k', value: 1, time: 1 },
    ];
    expect(() => toOperations(h)).toThrow(/completes a read, but its open op is a write/);
  });

  it('gives ids from the invoke records, and Infinity returns to unknown outcomes', () => {
    const ops = toOperations(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 0.5, 2, 'info')));
    expect(ops.map((o) => [o.id, o.return])).toEqual([
      [0, 1e9],
      [1, Infinity],
    ]);
  });
});

describe('a model of your own', () => {
  // A counter: `add` n, `read` returns the total. Four fields, and nothing in the search changes.
  const counter: Model<number, Operation> = {
    name: 'counter',
    init: () => 0,
    step: (total, op) => (op.f === 'add' ? total + (op.value as number) : op.output === total ? total : undefined),
    describe: (op) => (op.f === 'add' ? `add ${op.value}` : `read → ${op.output}`),
    readOnly: (op) => op.f === 'read',
  };
  const op = (id: number, f: string, value: unknown, output: unknown, call: number, ret: number): Operation => ({ id, process: id, f, value, output, call, return: ret });

  it('is checked by the same search', () => {
    const concurrentAdds = [op(0, 'add', 1, undefined, 0, 10), op(1, 'add', 2, undefined, 0, 10)];
    expect(checkOperations([...concurrentAdds, op(2, 'read', null, 1, 5, 6)], { model: counter }).valid).toBe(true);
    const r = checkOperations([...concurrentAdds, op(2, 'read', null, 3, 11, 12), op(3, 'read', null, 1, 13, 14)], { model: counter });
    expect(r.valid).toBe(false);
    expect(r.model).toBe('counter');
    expect(r.partitions[0]!.key).toBeNull();
    expect(r.partitions[0]!.failure!.explanation).toMatch(/^no order of the 4 operations on the history fits both real time and the counter model/);
    expect(r.partitions[0]!.failure!.stateAfter).toBe('3');
  });
});

describe('ops no linearization needs', () => {
  it('an unknown write whose value no read returned is left out before the search; one whose value was read is kept', () => {
    const h = history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3, 'info'), write(2, 'k', 3, 2, 3, 'info'), read(3, 'k', 3, 4, 5));
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.opCount).toBe(3);
    expect(r.partitions[0]!.opCount).toBe(3);
  });

  it('with a cas on the key nothing is left out (the value between could decide whether the cas swaps)', () => {
    const h = history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3, 'info'), cas(2, 'k', 1, 5, 4, 5), read(3, 'k', 5, 6, 7));
    const r = check(h, { model: 'cas-register' });
    expect(r.valid).toBe(true);
    expect(r.opCount).toBe(4);
  });

  it('leaving such a write out changes no verdict: a stale read stays a stale read', () => {
    const h = history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3), write(2, 'k', 9, 2, 3, 'info'), read(3, 'k', 1, 4, 5));
    expect(check(h).valid).toBe(false);
  });
});
