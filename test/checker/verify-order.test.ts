/**
 * verifyOrder (one order: is it a linearization?) against the definition checked the slow way,
 * written here: every completed op once, ops of unknown outcome at most once, no pair of ops in
 * the order where the later one returned before the earlier one was called, and a replay on a
 * plain register. Orders are drawn from the brute force's linearizations, mutated, and random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { models, toOperations, type Operation } from '../../harness/checker/index.js';
import { verifyOrder } from '../../harness/checker/verify-order.js';
import { history } from './helpers.js';
import { isLinearization, linearize, opArb, toSpecs, type RandomOp } from './random-histories.js';

const model = models['cas-register'];

/** The ops the checker works on for one register (unknown reads left out, as check.ts does). */
function operations(raw: RandomOp[]): Operation[] {
  return toOperations(history(...toSpecs(raw))).filter((op) => !(op.return === Infinity && op.f === 'read'));
}

const oneKey = (ops: RandomOp[]) => ops.map((o) => ({ ...o, key: 'a' as const }));

describe('verifyOrder agrees with the definition checked pair by pair', () => {
  it('on linearizations, mutated linearizations and random orders of 3000 random histories', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.array(opArb(true), { minLength: 0, maxLength: 7 }).map(oneKey),
        fc.array(fc.nat(), { minLength: 3, maxLength: 12 }),
        (raw, noise) => {
          const ops = operations(raw);
          const steps = ops.map((op) => model.prepare!(op));
          const calls = ops.map((op) => op.call);
          const returns = ops.map((op) => op.return);
          const indexOf = new Map(ops.map((op, i) => [op.process as number, i]));
          const candidates: number[][] = [];
          const found = linearize(raw);
          if (found) {
            const order = found.map((at) => indexOf.get(at)!);
            candidates.push(order);
            // Adjacent swaps, a drop, a repeat.
            for (let k = 0; k + 1 < order.length; k++) candidates.push([...order.slice(0, k), order[k + 1]!, order[k]!, ...order.slice(k + 2)]);
            if (order.length > 0) candidates.push(order.slice(1), [...order, order[0]!]);
          }
          // A random order of a random subset.
          const pool = ops.map((_, i) => i);
          const random: number[] = [];
          for (const x of noise) {
            if (pool.length === 0) break;
            random.push(pool.splice(x % pool.length, 1)[0]!);
          }
          candidates.push(random, pool.length === 0 ? random : [...random, ...pool]);
          for (const order of candidates) {
            const fault = verifyOrder(model, steps, calls, returns, order);
            const truth = isLinearization(ops, raw, order);
            expect(fault === undefined).toBe(truth);
            if (truth) accepted++;
            else rejected++;
          }
        },
      ),
      { numRuns: 3000, seed: 4242 },
    );
    // Both answers are exercised.
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });

  it('names the op that comes too late for real time, the op missing, the op repeated and the step the model rejects', () => {
    // write 1 in [0, 1], then read → 1 in [2, 3]: the write must come first.
    const calls = [0, 2];
    const returns = [1, 3];
    const ops = operations([
      { key: 'a', f: 'write', value: 1, from: null, result: null, call: 0, duration: 1, end: 'ok' },
      { key: 'a', f: 'read', value: 1, from: null, result: 1, call: 2, duration: 1, end: 'ok' },
    ]);
    const steps = ops.map((op) => model.prepare!(op));
    expect(verifyOrder(model, steps, calls, returns, [0, 1])).toBeUndefined();
    expect(verifyOrder(model, steps, calls, returns, [1, 0])).toEqual({ kind: 'real-time', op: 1, at: 0, returnedBefore: 0 });
    expect(verifyOrder(model, steps, calls, returns, [0])).toEqual({ kind: 'missing', op: 1 });
    expect(verifyOrder(model, steps, calls, returns, [0, 1, 1])).toEqual({ kind: 'repeated', op: 1 });
    // Concurrent (the read called before the write returned): real time allows both orders, the model only one.
    expect(verifyOrder(model, steps, [0, 0], [1, 3], [1, 0])).toEqual({ kind: 'model', op: 1, at: 0 });
  });
});
