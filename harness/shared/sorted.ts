/** Binary searches over ascending arrays. */

/** First index i with sorted[i] ≥ x (the count of elements below x). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with sorted[i] > x (the count of elements at or below x). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i in [lo, hi) where `holds(i)`, for a predicate false up to some index and true from it on; hi when it never holds. */
export function firstWhere(lo: number, hi: number, holds: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The q-quantile of an ascending, non-empty array by nearest rank: the smallest element with at
 * least a share q of the elements at or below it (q = 0.5 of [1, 2] is 1; q = 1 is the maximum).
 * The run's stats, its checks and its pages all take quantiles this way, so a p99 means the same everywhere.
 */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
