/**
 * The checker against a brute force (random-histories.ts): random small register histories
 * (several keys, ok / fail / info completions, ops that never complete, equal timestamps) are
 * checked both ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, LinearizationSearch, models, toOperations } from '../../harness/checker/index.js';
import { splitIntoParts } from '../../harness/checker/check.js';
import { history } from './helpers.js';
import { bruteForce, opArb, toSpecs } from './random-histories.js';

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
