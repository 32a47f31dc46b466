/**
 * The checker against a brute force (random-histories.ts): random small register histories
 * (several keys, ok / fail / info completions, ops that never complete, equal timestamps) are
 * checked both ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../harness/checker/index.js';
import { history } from './helpers.js';
import { bruteForce, opArb, toSpecs } from './random-histories.js';

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
