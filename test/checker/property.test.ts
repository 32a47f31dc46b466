/**
 * The checker against a brute force written here: random small register histories (several keys,
 * ok / fail / info completions, ops that never complete, equal timestamps) are checked both ways.
 * The brute force tries every order of the ops that respects real time, with ops of unknown
 * outcome optional, on a plain register map: no list, no cache, no partitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, LinearizationSearch, models, toOperations } from '../../harness/checker/index.js';
import { splitIntoParts } from '../../harness/checker/check.js';
import { history, type OpSpec } from './helpers.js';

interface RandomOp {
  key: 'a' | 'b';
  f: 'read' | 'write' | 'cas';
  value: number;
  from: number | null;
  result: number | null;
  call: number;
  duration: number;
  end: 'ok' | 'fail' | 'info' | 'none';
}

const opArb = (withCas: boolean): fc.Arbitrary<RandomOp> =>
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

/** One process per op, so any overlap is allowed. */
function toSpecs(ops: RandomOp[]): OpSpec[] {
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

/** Every real-time order, unknown outcomes optional: is one of them a legal register history? */
function bruteForce(ops: RandomOp[]): boolean {
  interface Item {
    op: RandomOp;
    required: boolean;
    ret: number;
  }
  const items: Item[] = [];
  for (const op of ops) {
    if (op.end === 'fail') continue; // did not happen
    const known = op.end === 'ok';
    if (!known && op.f === 'read') continue; // an unknown read constrains nothing
    items.push({ op, required: known, ret: known ? op.call + op.duration : Infinity });
  }
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

  const search = (placed: number, state: Map<string, number | null>): boolean => {
    if ((placed & requiredMask) === requiredMask) return true;
    for (let j = 0; j < n; j++) {
      if (placed & (1 << j)) continue;
      if ((mustPrecede[j]! & placed) !== mustPrecede[j]!) continue;
      const after = apply(state, items[j]!);
      if (after && search(placed | (1 << j), after)) return true;
    }
    return false;
  };
  return search(0, new Map());
}

/** The search itself on each key, looking ahead for read-only ops always, or never (where the walk meets them). */
function searchEveryKey(h: ReturnType<typeof history>, withCas: boolean, lookAhead: boolean): boolean {
  const model = models[withCas ? 'cas-register' : 'register'];
  return splitIntoParts(toOperations(h), model).every((p) => {
    const s = new LinearizationSearch(model, p.ops.map(model.prepare!), p.ops.map((op) => op.call), p.ops.map((op) => op.return), {
      readOnly: p.ops.map(model.readOnly!),
      lookAhead,
    });
    while (s.run(1000) === 'running');
    return s.status === 'linearizable';
  });
}

function agree(withCas: boolean, runs: number) {
  fc.assert(
    fc.property(fc.array(opArb(withCas), { minLength: 0, maxLength: 7 }), (ops) => {
      const h = history(...toSpecs(ops));
      const result = check(h, { model: withCas ? 'cas-register' : 'register' });
      const expected = bruteForce(ops);
      expect(result.valid).toBe(expected);
      // Each key on its own must agree too.
      const perKey = check(h, { model: withCas ? 'cas-register' : 'register', perKey: true });
      expect(perKey.valid).toBe(expected);
      for (const p of result.partitions) if (p.valid === false) expect(p.failure?.explanation).toBeTruthy();
      // Both ways of placing read-only ops without alternatives (histories this small never
      // reach the point where the search chooses between them on its own).
      expect(searchEveryKey(h, withCas, true)).toBe(expected);
      expect(searchEveryKey(h, withCas, false)).toBe(expected);
    }),
    { numRuns: runs, seed: 20240611 },
  );
}

describe('the checker agrees with a brute-force enumeration', () => {
  it('on 4000 random small register histories with fail, info and never-completed ops', () => {
    agree(false, 4000);
  });

  it('on 3000 random small cas-register histories', () => {
    agree(true, 3000);
  });

  it('finds both verdicts among the random histories (the generator is not one-sided)', () => {
    const verdicts = new Set<boolean>();
    fc.assert(
      fc.property(fc.array(opArb(true), { minLength: 1, maxLength: 7 }), (ops) => {
        verdicts.add(bruteForce(ops));
      }),
      { numRuns: 300, seed: 7 },
    );
    expect([...verdicts].sort()).toEqual([false, true]);
  });
});
