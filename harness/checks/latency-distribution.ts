/**
 * A latency distribution estimated from samples some of which are only lower bounds, and drawn
 * from by inverse transform. Pure.
 *
 * Why lower bounds: a coordinator answers as soon as a quorum replied, so the trace of an op knows
 * the round trip of every replica that beat the quorum, and of the others only that it was longer
 * than the time the coordinator waited. Keeping only the answers that came would keep only the
 * fast ones (at R = 1, only the fastest of N); the Kaplan–Meier estimator uses the lower bounds too,
 * the standard way to estimate a distribution from right-censored samples.
 */

/** One observed duration, or (censored) a duration known only to exceed `ms`. */
export interface Duration {
  ms: number;
  censored: boolean;
}

/** A discrete distribution: value i has probability `cdf[i] − cdf[i−1]`. */
export interface LatencyDistribution {
  /** Support, ascending and distinct. */
  values: number[];
  /** Cumulative probability at each value; the last is 1. */
  cdf: number[];
  /**
   * The share of the distribution beyond the longest observed duration: the estimator cannot say
   * where it lies, so it is placed at the lower bounds that exceed that duration (each replica
   * answering as early as it possibly could). 0 when the longest duration of all was observed.
   */
  unobserved: number;
  /** Samples it was built from, and how many of them were lower bounds. */
  samples: number;
  censored: number;
}

/**
 * Kaplan–Meier: walking the distinct durations upwards, each observed one takes the share
 * (answered there) / (still at risk there) of the probability not yet placed; a lower bound leaves
 * the risk set without taking any. At equal times observed durations count before lower bounds, as
 * usual (a bound at t says "more than t").
 */
export function estimateDistribution(durations: readonly Duration[]): LatencyDistribution {
  if (durations.length === 0) throw new Error('a latency distribution needs at least one sample');
  const sorted = durations.slice().sort((a, b) => a.ms - b.ms || Number(a.censored) - Number(b.censored));
  const mass = new Map<number, number>();
  let survival = 1;
  let atRisk = sorted.length;
  let lastObserved = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i]!.ms;
    let answered = 0;
    let bounds = 0;
    for (; i < sorted.length && sorted[i]!.ms === t; i++) {
      if (sorted[i]!.censored) bounds++;
      else answered++;
    }
    if (answered > 0) {
      const share = (survival * answered) / atRisk;
      mass.set(t, share);
      survival -= share;
      lastObserved = t;
    }
    atRisk -= answered + bounds;
  }
  const beyond = sorted.filter((d) => d.censored && d.ms >= lastObserved);
  const unobserved = survival > 1e-12 ? survival : 0;
  if (unobserved > 0) {
    for (const d of beyond) mass.set(d.ms, (mass.get(d.ms) ?? 0) + unobserved / beyond.length);
  }
  const values = [...mass.keys()].sort((a, b) => a - b);
  const cdf: number[] = [];
  let acc = 0;
  for (const v of values) cdf.push((acc += mass.get(v)!));
  cdf[cdf.length - 1] = 1;
  return { values, cdf, unobserved, samples: durations.length, censored: durations.filter((d) => d.censored).length };
}

/** A degenerate distribution: always `ms`. */
export function constantDistribution(ms: number): LatencyDistribution {
  return { values: [ms], cdf: [1], unobserved: 0, samples: 0, censored: 0 };
}

/** The value at cumulative probability `u` in [0, 1): inverse transform sampling. */
export function quantileOf(d: LatencyDistribution, u: number): number {
  let lo = 0;
  let hi = d.cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d.cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return d.values[lo]!;
}

/** What a report says about a distribution: how much it rests on, and its middle and tail. */
export interface LatencySummary {
  samples: number;
  /** Share of the samples that were lower bounds, and of the distribution placed past the longest observed. */
  lowerBounds: number;
  unobserved: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(d: LatencyDistribution): LatencySummary {
  return {
    samples: d.samples,
    lowerBounds: d.samples === 0 ? 0 : d.censored / d.samples,
    unobserved: d.unobserved,
    p50Ms: quantileOf(d, 0.5),
    p99Ms: quantileOf(d, 0.99),
  };
}
