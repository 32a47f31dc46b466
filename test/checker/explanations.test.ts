/** The sentences a failure carries, on hand-made histories. */
import { describe, expect, it } from 'vitest';
import { check, checkOperations, timeFormatter, type CheckResult, type Model, type Operation } from '../../harness/checker/index.js';
import { parseHistory } from '../../harness/cli/check.js';
import { cas, history, read, write } from './helpers.js';

const failureOf = (r: CheckResult) => {
  const bad = r.partitions.find((p) => p.valid === false);
  expect(bad, 'a part that is not linearizable').toBeDefined();
  return bad!.failure!;
};
const sentence = (r: CheckResult) => failureOf(r).explanation;

describe('explanations for registers', () => {
  it('a value overwritten before the read began', () => {
    const r = check(history(write(0, 'k3', 17, 1, 2), write(1, 'k3', 18, 3, 3.9), read(2, 'k3', 17, 4.0, 4.1)));
    expect(sentence(r)).toBe('read of k3 returned 17 at 4.1 s, but 17 had been overwritten by 18, acknowledged at 3.9 s, before this read began at 4 s');
  });

  it('a value never written', () => {
    const r = check(history(write(0, 'k', 1, 0, 1), read(1, 'k', 5, 2, 3.25)));
    expect(sentence(r)).toBe('read of k returned 5 at 3.25 s, but 5 was never written to k');
  });

  it('a value written only after the read ended', () => {
    const r = check(history(read(0, 'k', 7, 1, 2), write(1, 'k', 7, 5, 6)));
    expect(sentence(r)).toBe('read of k returned 7 at 2 s, but the only write of 7 to k began after this read ended, at 5 s');
  });

  it('a read that missed a completed write (no value)', () => {
    const r = check(history(write(0, 'a', 1, 0, 1), read(1, 'a', null, 2, 3)));
    expect(sentence(r)).toBe('read of a found no value at 3 s, but a write of 1 to a had been acknowledged at 1 s, before this read began at 2 s');
  });

  it('a read that went back in time after another read saw a newer value', () => {
    const r = check(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 10), read(2, 'k', 2, 3, 4), read(3, 'k', 1, 5, 6)));
    expect(sentence(r)).toBe(
      'read of k returned 1 at 6 s, but an earlier read had already returned 2 at 4 s, before this read began at 5 s, and every write of 1 had been acknowledged before that read began',
    );
  });

  it('every write of the value overwritten, when there are several', () => {
    const r = check(history(write(0, 'k', 1, 0, 1), write(1, 'k', 1, 0.5, 1.5), write(2, 'k', 2, 2, 3), read(3, 'k', 1, 4, 5)));
    expect(sentence(r)).toBe(
      'read of k returned 1 at 5 s, but 1 had been overwritten by 2, acknowledged at 3 s, before this read began at 4 s (as had each of the 2 writes of 1 that could come before it)',
    );
  });

  it('a cas that succeeded on a value overwritten before it began', () => {
    const r = check(history(write(0, 'k', 1, 0, 1), write(1, 'k', 2, 2, 3), cas(2, 'k', 1, 5, 4, 5)), { model: 'cas-register' });
    expect(sentence(r)).toBe('cas of k from 1 to 5 succeeded at 5 s, but 1 had been overwritten by 2, acknowledged at 3 s, before this cas began at 4 s');
  });

  it('an info write of the value keeps "overwritten" from being claimed', () => {
    // 1 may have been written (again) by the info write at any time after 1.5 s: no sharp rule
    // applies, so the history is fine, and with the info write gone it is not.
    const ok = check(history(write(0, 'k', 1, 0, 1), write(1, 'k', 1, 1.5, 1.6, 'info'), write(2, 'k', 2, 2, 3), read(3, 'k', 1, 4, 5)));
    expect(ok.valid).toBe(true);
  });

  it('says it in general terms when no sharp rule applies', () => {
    // Two reads after two concurrent writes disagree about which write came last.
    const r = check(history(write(0, 'k', 1, 0, 10), write(1, 'k', 2, 0, 10), read(2, 'k', 1, 11, 12), read(3, 'k', 2, 11, 12)));
    const f = failureOf(r);
    expect(f.explanation).toMatch(
      /^no order of the 4 operations on key "k" fits both real time and the register model: the longest that does places 3 of them, leaving the state [12], and no operation that could come next fits there: read → [12] \(called at 11 s, returned at 12 s\)$/,
    );
    expect(f.longest).toHaveLength(3);
    expect(f.couldNotPlace).toHaveLength(1);
    expect(f.couldNotPlace[0]).toMatchObject({ f: 'read', key: 'k', call: 11e9, return: 12e9 });
  });
});

describe('what a failure carries', () => {
  it('the longest order (op ids), the state after it, and the ops that could not come next', () => {
    const h = history(write(0, 'k3', 17, 1, 2), write(1, 'k3', 18, 3, 3.9), read(2, 'k3', 17, 4.0, 4.1));
    const f = failureOf(check(h));
    const idOf = (process: number) => h.find((o) => o.type === 'invoke' && o.process === process)!.index;
    expect(f.longest).toEqual([idOf(0), idOf(1)]);
    expect(f.stateAfter).toBe('18');
    expect(f.couldNotPlace).toEqual([
      { id: idOf(2), process: 2, f: 'read', key: 'k3', value: null, output: 17, call: 4e9, return: 4.1e9, description: 'read → 17' },
    ]);
    // Plain JSON: nothing is lost on the way to results.json.
    const r = check(h);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('an op of unknown outcome shows return null', () => {
    // A register always accepts an op of unknown outcome, so it is never left over; a model that
    // refuses everything leaves it among the ops that could not come next.
    const refuseAll: Model<number, Operation> = { name: 'refuse-all', init: () => 0, step: () => undefined, describe: (op) => op.f };
    const ops: Operation[] = [
      { id: 0, process: 0, f: 'write', value: 1, call: 0, return: Infinity },
      { id: 1, process: 1, f: 'read', value: null, output: 1, call: 1, return: 2 },
    ];
    const r = checkOperations(ops, { model: refuseAll });
    expect(failureOf(r).couldNotPlace).toContainEqual(expect.objectContaining({ id: 0, return: null }));
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('explanations for other sources and models', () => {
  it('uses line numbers for a Jepsen log', () => {
    const log = [
      'INFO  jepsen.util - 0\t:invoke\t:write\t1',
      'INFO  jepsen.util - 0\t:ok\t:write\t1',
      'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 1\t:ok\t:read\tnil',
    ].join('\n');
    const h = parseHistory(log, 'jepsen-log');
    const r = checkOperations(h.ops, { model: 'cas-register', timeUnit: h.timeUnit });
    expect(sentence(r)).toBe('read of the register found no value at line 4, but a write of 1 to the register had been acknowledged at line 2, before this read began at line 3');
  });

  it('the kv model says it in general terms', () => {
    const edn = ['{:process 0, :type :invoke, :f :append, :key "x", :value "a"}', '{:process 0, :type :ok, :f :append, :key "x", :value "a"}', '{:process 1, :type :invoke, :f :get, :key "x", :value nil}', '{:process 1, :type :ok, :f :get, :key "x", :value "b"}'].join('\n');
    const h = parseHistory(edn, 'edn');
    const r = checkOperations(h.ops, { model: 'kv', timeUnit: h.timeUnit });
    expect(sentence(r)).toBe(
      'no order of the 2 operations on key "x" fits both real time and the kv model: the longest that does places 1 of them, leaving the state "a", and no operation that could come next fits there: get → "b" (called at line 3, returned at line 4)',
    );
  });
});

describe('times in sentences', () => {
  it('prints nanoseconds as seconds, short ones as milliseconds, and line numbers as lines', () => {
    const ns = timeFormatter('ns');
    expect(ns(4.1e9)).toBe('4.1 s');
    expect(ns(3_912_345_678)).toBe('3.912 s');
    expect(ns(0)).toBe('0 s');
    expect(ns(500_000)).toBe('0.5 ms');
    expect(ns(60e9)).toBe('60 s');
    expect(timeFormatter('line')(12)).toBe('line 12');
  });
});
