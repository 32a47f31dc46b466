/**
 * Ops as columns, to send to a worker thread: numbers in typed arrays (copied as one block) and
 * each distinct value once, instead of a million small objects cloned one by one (measured: a
 * structured clone of 1 M ops took longer than checking them).
 */
import type { Operation } from './operation.js';

export interface OpColumns {
  id: Float64Array;
  /** Index into `values` of each op's process. */
  process: Int32Array;
  call: Float64Array;
  ret: Float64Array;
  /** Index into `names` of each op's f; of its key (-1: none). */
  f: Int32Array;
  key: Int32Array;
  names: string[];
  /** Index into `values` of each op's value; of its output (-1: none). */
  value: Int32Array;
  output: Int32Array;
  values: unknown[];
}

export function toColumns(ops: readonly Operation[]): OpColumns {
  const n = ops.length;
  const c: OpColumns = {
    id: new Float64Array(n),
    process: new Int32Array(n),
    call: new Float64Array(n),
    ret: new Float64Array(n),
    f: new Int32Array(n),
    key: new Int32Array(n),
    names: [],
    value: new Int32Array(n),
    output: new Int32Array(n),
    values: [],
  };
  const names = new Map<string, number>();
  const values = new Map<unknown, number>();
  const name = (s: string) => {
    let i = names.get(s);
    if (i === undefined) names.set(s, (i = c.names.push(s) - 1));
    return i;
  };
  const value = (v: unknown) => {
    let i = values.get(v);
    if (i === undefined) values.set(v, (i = c.values.push(v) - 1));
    return i;
  };
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    c.id[i] = op.id;
    c.process[i] = value(op.process);
    c.call[i] = op.call;
    c.ret[i] = op.return;
    c.f[i] = name(op.f);
    c.key[i] = op.key === undefined ? -1 : name(op.key);
    c.value[i] = value(op.value);
    c.output[i] = op.output === undefined ? -1 : value(op.output);
  }
  return c;
}

export function fromColumns(c: OpColumns): Operation[] {
  const ops: Operation[] = [];
  for (let i = 0; i < c.id.length; i++) {
    const op: Operation = { id: c.id[i]!, process: c.values[c.process[i]!] as Operation['process'], f: c.names[c.f[i]!]!, value: c.values[c.value[i]!], call: c.call[i]!, return: c.ret[i]! };
    if (c.key[i] !== -1) op.key = c.names[c.key[i]!]!;
    if (c.output[i] !== -1) op.output = c.values[c.output[i]!];
    ops.push(op);
  }
  return ops;
}
