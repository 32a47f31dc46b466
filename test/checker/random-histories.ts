/**
 * Random small register histories and a brute force that decides them, shared by the property
 * tests (property.test.ts: the checker; version-witness.test.ts: the version witness). The brute
 * force tries every order of the ops that respects real time, with ops of unknown outcome
 * optional, on a plain register map: no list, no cache, no partitions.
 */
import fc from 'fast-check';
import type { Operation } from '../../harness/checker/index.js';
import type { OpSpec } from './helpers.js';

export interface RandomOp {
  key: 'a' | 'b';
  f: 'read' | 'write' | 'cas';
  value: number;
  from: number | null;
  result: number | null;
  call: number;
  duration: number;
  end: 'ok' | 'fail' | 'info' | 'none';
}

export const opArb = (withCas: boolean): fc.Arbitrary<RandomOp> =>
  fc.record({
    key: fc.constantFrom('a' as const, 'b' as const),
    f: withCas ? fc.constantFrom('read' as const, 'write' as const, 'cas' as const) : fc.constantFrom('read' as const, 'write' as const),
    value: fc.integer({ min: 1, max: 3 }),
    from: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    result: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    call: fc.integer({ min: 0, max: 12 }),
    duration: fc.integer({ min: 0, max: 6 }),
    end: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'ok' as const, 'fail' as const, 'info' as const, 'none' as const),
  });

/** One process per op (process i is ops[i]), so any overlap is allowed. */
export function toSpecs(ops: RandomOp[]): OpSpec[] {
  return ops.map((o, i) => {
    const spec: OpSpec = { process: i, f: o.f, key: o.key, call: o.call };
    if (o.f === 'read') {
      spec.value = null;
      spec.result = o.result;
    } else if (o.f === 'write') spec.value = o.value;
    else spec.value = [o.from, o.value];
    if (o.end !== 'none') {
      spec.ret = o.call + o.duration;
      spec.type = o.end;
    }
    return spec;
  });
}

/**
 * One linearization found by trying every real-time order (unknown outcomes optional): indexes
 * into `ops`, in order, or undefined when there is none.
 */
export function linearize(ops: RandomOp[]): number[] | undefined {
  interface Item {
    at: number;
    op: RandomOp;
    required: boolean;
    ret: number;
  }
  const items: Item[] = [];
  ops.forEach((op, at) => {
    if (op.end === 'fail') return; // did not happen
    const known = op.end === 'ok';
    if (!known && op.f === 'read') return; // an unknown read constrains nothing
    items.push({ at, op, required: known, ret: known ? op.call + op.duration : Infinity });
  });
  const n = items.length;
  const requiredMask = items.reduce((m, it, i) => (it.required ? m | (1 << i) : m), 0);
  // i must come before j when i returned before j was called (equal times: concurrent).
  const mustPrecede = items.map((_, j) => items.reduce((m, it, i) => (it.ret < items[j]!.op.call ? m | (1 << i) : m), 0));

  const apply = (state: Map<string, number | null>, it: Item): Map<string, number | null> | undefined => {
    const cur = state.get(it.op.key) ?? null;
    const next = new Map(state);
    switch (it.op.f) {
      case 'read':
        return cur === it.op.result ? state : undefined;
      case 'write':
        next.set(it.op.key, it.op.value);
        return next;
      case 'cas':
        if (cur === it.op.from) {
          next.set(it.op.key, it.op.value);
          return next;
        }
        return it.required ? undefined : state; // an unknown cas may also have found another value
    }
  };

  const path: number[] = [];
  const search = (placed: number, state: Map<string, number | null>): boolean => {
    if ((placed & requiredMask) === requiredMask) return true;
    for (let j = 0; j < n; j++) {
      if (placed & (1 << j)) continue;
      if ((mustPrecede[j]! & placed) !== mustPrecede[j]!) continue;
      const after = apply(state, items[j]!);
      if (!after) continue;
      path.push(items[j]!.at);
      if (search(placed | (1 << j), after)) return true;
      path.pop();
    }
    return false;
  };
  return search(0, new Map()) ? path : undefined;
}

/** Is there a linearization? */
export function bruteForce(ops: RandomOp[]): boolean {
  return linearize(ops) !== undefined;
}

/**
 * Is `order` (indexes into `ops`, the checker's ops of one key of `raw`) a linearization? The
 * definition checked the slow way: every completed op once, ops of unknown outcome at most once,
 * no op before another that returned before it was called (pair by pair), and a replay on a plain
 * register. `ops[i].process` is the index of its op in `raw` (toSpecs gives one process per op).
 */
export function isLinearization(ops: readonly Operation[], raw: readonly RandomOp[], order: readonly number[]): boolean {
  if (new Set(order).size !== order.length) return false;
  if (order.some((i) => !(i >= 0 && i < ops.length))) return false;
  for (let i = 0; i < ops.length; i++) if (ops[i]!.return !== Infinity && !order.includes(i)) return false;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) if (ops[order[j]!]!.return < ops[order[i]!]!.call) return false;
  }
  let state: number | null = null;
  for (const i of order) {
    const op = ops[i]!;
    const r = raw[op.process as number]!;
    const known = op.return !== Infinity;
    if (r.f === 'read' && known && state !== r.result) return false;
    if (r.f === 'write') state = r.value;
    if (r.f === 'cas') {
      if (state === r.from) state = r.value;
      else if (known) return false;
    }
  }
  return true;
}
