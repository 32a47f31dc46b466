import { describe, expect, it } from 'vitest';
import { estimateDistribution, quantileOf, summarize, type Duration, type LatencyDistribution } from '../../harness/checks/latency-distribution.js';
import { createRandom } from '../../harness/shared/random.js';

const seen = (ms: number): Duration => ({ ms, censored: false });
const atLeast = (ms: number): Duration => ({ ms, censored: true });

/** Probability of each support value, for readable expectations. */
function masses(d: LatencyDistribution): Record<number, number> {
  return Object.fromEntries(d.values.map((v, i) => [v, d.cdf[i]! - (i === 0 ? 0 : d.cdf[i - 1]!)]));
}

function cdfAt(d: LatencyDistribution, x: number): number {
  let c = 0;
  d.values.forEach((v, i) => {
    if (v <= x) c = d.cdf[i]!;
  });
  return c;
}

describe('latency distribution (Kaplan–Meier)', () => {
  it('without lower bounds it is the empirical distribution', () => {
    const d = estimateDistribution([3, 1, 2, 2].map(seen));
    expect(d.values).toEqual([1, 2, 3]);
    expect(masses(d)[1]).toBeCloseTo(0.25);
    expect(masses(d)[2]).toBeCloseTo(0.5);
    expect(masses(d)[3]).toBeCloseTo(0.25);
    expect(d.unobserved).toBe(0);
  });

  it('a lower bound leaves the risk set without taking mass (the textbook example)', () => {
    // 1, 2+, 3, 4+, 5: S(1) = 4/5, S(3) = 4/5 · 2/3, S(5) = 0.
    const d = estimateDistribution([seen(1), atLeast(2), seen(3), atLeast(4), seen(5)]);
    expect(d.values).toEqual([1, 3, 5]);
    expect(masses(d)[1]).toBeCloseTo(0.2);
    expect(masses(d)[3]).toBeCloseTo(0.8 / 3);
    expect(masses(d)[5]).toBeCloseTo(0.8 * (2 / 3));
    expect(d.unobserved).toBe(0);
    expect(d.censored).toBe(2);
  });

  it('the mass beyond the longest observed duration sits at the lower bounds past it, and is reported', () => {
    const d = estimateDistribution([seen(1), atLeast(2), atLeast(3)]);
    expect(d.unobserved).toBeCloseTo(2 / 3);
    expect(masses(d)[1]).toBeCloseTo(1 / 3);
    expect(masses(d)[2]).toBeCloseTo(1 / 3);
    expect(masses(d)[3]).toBeCloseTo(1 / 3);
  });

  it('recovers a known distribution from samples censored by a quorum, where the answers alone would not', () => {
    // Each "op" sends three requests with latencies uniform in [0, 10) ms and keeps only the
    // fastest (R = 1 of 3): the others are known only to exceed it. The true CDF at x is x/10.
    const rnd = createRandom(11);
    const durations: Duration[] = [];
    const answered: Duration[] = [];
    for (let op = 0; op < 20_000; op++) {
      const lat = [0, 1, 2].map(() => 10 * rnd.next());
      const first = Math.min(...lat);
      for (const l of lat) durations.push(l === first ? seen(l) : atLeast(first));
      answered.push(seen(first));
    }
    const km = estimateDistribution(durations);
    const naive = estimateDistribution(answered);
    for (let x = 1; x <= 9; x++) {
      expect(Math.abs(cdfAt(km, x) - x / 10), `KM at ${x}`).toBeLessThan(0.02);
    }
    expect(cdfAt(naive, 3) - 0.3).toBeGreaterThan(0.2); // the fastest of three is no sample of one
  });

  it('draws by inverse transform: u below the first step gives the first value, and so on', () => {
    const d = estimateDistribution([1, 2, 2, 4].map(seen));
    expect(quantileOf(d, 0)).toBe(1);
    expect(quantileOf(d, 0.2499)).toBe(1);
    expect(quantileOf(d, 0.25)).toBe(2);
    expect(quantileOf(d, 0.7499)).toBe(2);
    expect(quantileOf(d, 0.75)).toBe(4);
    expect(quantileOf(d, 0.9999)).toBe(4);
  });

  it('a summary: samples, share of lower bounds, median and 99th percentile', () => {
    const d = estimateDistribution([...Array.from({ length: 99 }, (_, i) => seen(i + 1)), atLeast(0.5)]);
    expect(summarize(d)).toEqual({ samples: 100, lowerBounds: 0.01, unobserved: 0, p50Ms: 50, p99Ms: 99 });
  });

  it('needs at least one sample', () => {
    expect(() => estimateDistribution([])).toThrow(/at least one sample/);
  });
});
