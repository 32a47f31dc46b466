import { describe, expect, it } from 'vitest';
import { firstWhere, lowerBound, nearestRank, upperBound } from '../../harness/shared/sorted.js';
import { createRandom } from '../../harness/shared/random.js';

describe('searches over sorted arrays', () => {
  it('lower and upper bounds count the elements below and at or below x, as a scan does', () => {
    const rand = createRandom(3);
    for (let round = 0; round < 200; round++) {
      const xs = Array.from({ length: rand.int(12) }, () => rand.int(6)).sort((a, b) => a - b);
      const x = rand.int(8) - 1;
      expect(lowerBound(xs, x)).toBe(xs.filter((v) => v < x).length);
      expect(upperBound(xs, x)).toBe(xs.filter((v) => v <= x).length);
      expect(firstWhere(0, xs.length, (i) => xs[i]! >= x)).toBe(lowerBound(xs, x));
    }
  });

  it('a quantile by nearest rank is the smallest element with at least that share at or below it', () => {
    expect(nearestRank([1, 2], 0.5)).toBe(1);
    expect(nearestRank([1, 2, 3, 4], 0.99)).toBe(4);
    expect(nearestRank([7], 0)).toBe(7);
    const rand = createRandom(9);
    for (let round = 0; round < 200; round++) {
      const xs = Array.from({ length: 1 + rand.int(30) }, () => rand.int(100)).sort((a, b) => a - b);
      const q = [0, 0.5, 0.9, 0.95, 0.99, 1][rand.int(6)]!;
      const byDefinition = xs.find((v) => xs.filter((w) => w <= v).length >= q * xs.length)!;
      expect(nearestRank(xs, q)).toBe(byDefinition);
    }
  });
});
