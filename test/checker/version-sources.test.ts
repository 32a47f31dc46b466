/**
 * Where versions come from: godist's history.jsonl (the completion's trace), Jepsen EDN (a
 * completion's :version or :mod-revision, and jepsen.etcd's versioned register, whose values are
 * [version value] pairs), and how a check uses them.
 */
import { describe, expect, it } from 'vitest';
import { checkOperations, toOperations } from '../../harness/checker/index.js';
import { parseHistory } from '../../harness/cli/check.js';
import { readEdn } from '../../harness/history/read-edn.js';

describe('versions in Jepsen EDN', () => {
  // jepsen.etcd's register workload, two keys, as its client records them.
  const etcd = [
    '{:type :invoke, :f :write, :value [1 [nil 3]], :process 0, :time 10, :index 0}',
    '{:type :invoke, :f :read, :value [1 [nil nil]], :process 1, :time 11, :index 1}',
    '{:type :ok, :f :read, :value [1 [nil nil]], :process 1, :time 12, :index 2}',
    '{:type :ok, :f :write, :value [1 [1 3]], :process 0, :time 20, :index 3}',
    '{:type :invoke, :f :cas, :value [1 [nil [3 4]]], :process 0, :time 30, :index 4}',
    '{:type :invoke, :f :write, :value [2 [nil 0]], :process 2, :time 31, :index 5}',
    '{:type :ok, :f :cas, :value [1 [2 [3 4]]], :process 0, :time 40, :index 6}',
    '{:type :info, :f :write, :value [2 [nil 0]], :process 2, :time 41, :index 7, :error :timeout}',
    '{:type :invoke, :f :read, :value [1 [nil nil]], :process 1, :time 50, :index 8}',
    '{:type :ok, :f :read, :value [1 [2 4]], :process 1, :time 60, :index 9}',
  ].join('\n');

  it("reads jepsen.etcd's [version value] pairs: the value as the value, the version into the trace", () => {
    const { history } = readEdn(etcd);
    const ops = toOperations(history);
    expect(ops.map((op) => [op.key, op.f, op.value, op.output, op.version])).toEqual([
      ['1', 'write', 3, undefined, 1],
      ['1', 'read', null, null, null],
      ['1', 'cas', [3, 4], true, 2],
      ['2', 'write', 0, undefined, undefined],
      ['1', 'read', null, 4, 2],
    ]);
  });

  it('checks them with the version pass', () => {
    const { history, timeUnit } = readEdn(etcd);
    const r = checkOperations(toOperations(history), { model: 'cas-register', timeUnit, perKey: true });
    expect(r.valid).toBe(true);
    expect(r.partitions.map((p) => [p.key, p.decidedBy])).toEqual([
      ['1', 'versions'],
      ['2', 'search'], // only an unknown write: no version
    ]);
  });

  it('leaves a plain register alone: its invocations carry bare values', () => {
    const plain = ['{:type :invoke, :f :write, :value 3, :process 0}', '{:type :ok, :f :write, :value 3, :process 0}'].join('\n');
    expect(toOperations(readEdn(plain).history)[0]).toMatchObject({ value: 3 });
    expect(toOperations(readEdn(plain).history)[0]!.version).toBeUndefined();
  });

  it('reads a completion’s :version or :mod-revision', () => {
    const text = [
      '{:type :invoke, :f :write, :key "a", :value 3, :process 0}',
      '{:type :ok, :f :write, :key "a", :value 3, :process 0, :mod-revision 17}',
      '{:type :invoke, :f :read, :key "a", :value nil, :process 1}',
      '{:type :ok, :f :read, :key "a", :value 3, :process 1, :version 17}',
    ].join('\n');
    expect(toOperations(readEdn(text).history).map((op) => op.version)).toEqual([17, 17]);
  });
});

describe("versions in godist's history.jsonl", () => {
  it("come from the completion's trace: version and writer", () => {
    const text = [
      '{"index":0,"type":"invoke","process":0,"f":"write","key":"k0","value":1,"time":100}',
      '{"index":1,"type":"invoke","process":1,"f":"read","key":"k0","value":null,"time":150}',
      '{"index":2,"type":"ok","process":0,"f":"write","key":"k0","value":1,"time":200,"trace":{"coordinator":"node-2","version":1,"writer":"node-2"}}',
      '{"index":3,"type":"ok","process":1,"f":"read","key":"k0","value":1,"time":250,"trace":{"coordinator":"node-1","version":1,"writer":"node-2"}}',
    ].join('\n');
    const { ops } = parseHistory(text, 'jsonl');
    expect(ops.map((op) => [op.version, op.writer])).toEqual([
      [1, 'node-2'],
      [1, 'node-2'],
    ]);
    expect(checkOperations(ops).partitions[0]).toMatchObject({ valid: true, decidedBy: 'versions' });
    expect(checkOperations(ops, { versions: false }).partitions[0]).toMatchObject({ valid: true, decidedBy: 'search' });
  });
});
