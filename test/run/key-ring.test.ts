import { describe, expect, it } from 'vitest';
import { createRandom } from '../../harness/shared/random.js';
import { createKeyRing } from '../../workloads/key-ring.js';

describe('the key ring', () => {
  it('retires a key once it has taken its budget of ops, and names the next one after it', () => {
    const ring = createKeyRing(1, 3);
    const random = createRandom(1);
    expect(Array.from({ length: 8 }, () => ring.next(random))).toEqual(['k0', 'k0', 'k0', 'k0.1', 'k0.1', 'k0.1', 'k0.2', 'k0.2']);
  });

  it('counts per key, whichever worker asks: no key gets more than its budget', () => {
    const ring = createKeyRing(4, 50);
    const counts = new Map<string, number>();
    const workers = [createRandom(1), createRandom(2), createRandom(3)];
    for (let i = 0; i < 3000; i++) {
      const key = ring.next(workers[i % 3]!);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(Math.max(...counts.values())).toBe(50);
    expect(counts.size).toBeGreaterThanOrEqual(3000 / 50);
  });

  it('with no budget, a slot keeps its key for good (the names of old histories)', () => {
    const ring = createKeyRing(10, 0);
    const random = createRandom(7);
    const keys = new Set(Array.from({ length: 5000 }, () => ring.next(random)));
    expect([...keys].every((k) => /^k\d$/.test(k))).toBe(true);
  });
});
