/**
 * Long histories whose verdict is known by construction (synthetic-history.ts): every op takes
 * effect at one instant inside its interval, unless a stale read is planted. Shapes: few and many
 * ops in flight, ops of unknown outcome, keys rotated, side by side and key by key.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../harness/checker/index.js';
import { syntheticHistory, type SyntheticOptions } from './synthetic-history.js';

const shapes: (Omit<SyntheticOptions, 'seed' | 'anomaly'> & { name: string })[] = [
  { name: '2000 ops, 1 client', ops: 2000, clients: 1 },
  { name: '3000 ops, ~2 in flight', ops: 3000, clients: 2 },
  { name: '2000 ops, ~9 in flight', ops: 2000, clients: 10 },
  { name: '2000 ops, ~5 in flight, mostly writes', ops: 2000, clients: 6, readShare: 0.2 },
  { name: '2000 ops, ~5 in flight, mostly reads', ops: 2000, clients: 6, readShare: 0.9 },
  { name: '600 ops, ~5 in flight, 3 % unknown outcomes', ops: 600, clients: 6, infoShare: 0.03 },
  { name: '2000 ops, ~9 in flight, 10 % unknown outcomes', ops: 2000, clients: 10, infoShare: 0.1 },
  { name: '4000 ops, 10 clients, keys rotated every 300 ops, 3 at a time', ops: 4000, clients: 10, keyOps: 300, activeKeys: 3 },
];

describe('histories made linearizable, or not, by construction', () => {
  for (const shape of shapes) {
    for (const seed of [1, 2, 3]) {
      it(`${shape.name}, seed ${seed}: linearizable, and not with a stale read planted`, () => {
        const ok = syntheticHistory({ ...shape, seed });
        expect(check(ok.history).valid).toBe(true);
        const bad = syntheticHistory({ ...shape, seed, anomaly: 'stale-read', anomalyAt: 0.5 });
        expect(bad.planted).toBe(true);
        expect(check(bad.history).valid).toBe(false);
        expect(check(bad.history, { perKey: true }).valid).toBe(false);
      });
    }
  }
});
