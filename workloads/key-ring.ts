/**
 * Keys that retire, as Jepsen's independent keys do: `--keys` slots, each a register under a name of
 * its own; once a slot has taken `budget` ops, the clients move on to a fresh key in its place (`k3`,
 * then `k3.1`, `k3.2`, ...). No single key's history grows past what a checker can decide, at the
 * cost of fewer long-lived keys on which a slow anomaly could show. Shared by a run's workers, so the
 * count is per key, not per worker. Pure but for its own counters.
 */
import type { Random } from '../harness/shared/random.js';

export interface KeyRing {
  /** A key for the next op: a slot chosen at random, under its current name. */
  next(random: Random): string;
}

/** `budget` 0: a slot keeps its key for the whole run. */
export function createKeyRing(slots: number, budget: number): KeyRing {
  const ops = new Array<number>(slots).fill(0);
  const generation = new Array<number>(slots).fill(0);
  return {
    next(random) {
      const slot = random.int(slots);
      if (budget > 0 && ops[slot]! >= budget) {
        generation[slot]!++;
        ops[slot] = 0;
      }
      ops[slot]!++;
      return generation[slot] === 0 ? `k${slot}` : `k${slot}.${generation[slot]}`;
    },
  };
}
