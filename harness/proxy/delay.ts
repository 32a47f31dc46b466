/**
 * When a delayed chunk is due: pure, so the rule is testable without timers. Latency with jitter as
 * Toxiproxy models it (latency ± jitter, uniform), never negative, and never before the chunk sent
 * ahead of it on the same direction: TCP delivers bytes in order, so a link must too.
 */
export interface DelayOptions {
  /** Latency added to every chunk, in each direction, in milliseconds. */
  ms: number;
  /** Each chunk's latency is drawn uniformly from [ms - jitterMs, ms + jitterMs] (floored at 0). */
  jitterMs?: number;
}

/**
 * @param nowMs when the chunk arrived at the proxy
 * @param previousMs when the previous chunk of the same direction is due (or -Infinity)
 * @param random uniform in [0, 1)
 */
export function deliveryTime(
  nowMs: number,
  previousMs: number,
  delay: DelayOptions,
  random: () => number,
): number {
  const jitter = delay.jitterMs ? (random() * 2 - 1) * delay.jitterMs : 0;
  return Math.max(nowMs + Math.max(0, delay.ms + jitter), previousMs);
}

/** Throws on a delay a link cannot apply (negative or not a number). */
export function checkDelay(delay: DelayOptions): void {
  const ok = (v: number | undefined) => v === undefined || (Number.isFinite(v) && v >= 0);
  if (!ok(delay.ms) || !ok(delay.jitterMs)) {
    throw new RangeError(`a link delay needs ms ≥ 0 and jitterMs ≥ 0, got ${JSON.stringify(delay)}`);
  }
}
