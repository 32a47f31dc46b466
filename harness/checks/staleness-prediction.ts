/**
 * A run's staleness held against PBS's prediction (the WARS model, wars.ts): the t-visibility and
 * k-staleness the model predicts from the latencies the run measured, for its own N/R/W or any
 * other, and one sentence on where the measurement departs from the prediction, naming the fault
 * windows the stale (write, read) pairs fall in. Pure: samples, pairs and fault spans in, plain data
 * out (the pages draw it; nothing here reads a file or a clock).
 *
 * The prediction is made from the latencies of the ops that ran outside every fault window when
 * they suffice (a fault changes the latencies and the replica sets for its duration, and the model
 * knows neither): it is then what the quiet cluster would do under the same workload, and how far
 * the measurement falls below it is the faults' doing.
 */
import type { FaultSpan } from '../history/fault-spans.js';
import type { OpPair } from '../history/pairs.js';
import { secs } from '../shared/format.js';
import { kStalenessByGroup, tVisibilityByGroup, type KStaleness, type TVisibility } from './staleness.js';
import { CannotPredict, predictKStaleness, predictTVisibility, visibilityOver, warsModel, type LegModel, type QuorumSetting, type WarsSamples } from './wars.js';

/** A t bucket counts when it holds this many (write, read) pairs (as in docs/staleness.md). */
export const MIN_PAIRS = 30;
/** How close the prediction came on quiet runs, at t = 0 (docs/staleness.md, "Stated error"). */
export const STATED_ERROR = 0.03;

export interface PredictedStaleness {
  setting: QuorumSetting;
  /** Whose latencies the prediction is made from, in words. */
  from: string;
  legs: LegModel;
  trials: number;
  seed: number;
  /** The predicted chance that a read t ms after a write's acknowledgement sees it, averaged over each bucket. */
  tVisibility: { fromMs: number; toMs: number; p: number }[];
  /** share[k−1]: the predicted share of reads within k versions of the newest, k = 1..5. */
  kStaleness: number[];
  /** What had no samples and was taken as 0 ms (wars.ts), in words. */
  assumed: string[];
}

/** A run's measurement beside its prediction: what report.html's and compare.html's staleness sections show. */
export interface StalenessPrediction {
  /** The prediction; null when there is none, and `unavailable` says why. */
  predicted: PredictedStaleness | null;
  unavailable: string | null;
  /** Measured t-visibility of the reads that began outside every fault window; null when the run had no fault. */
  quiet: TVisibility | null;
  /** Root mean square of predicted − measured over the buckets with ≥ MIN_PAIRS pairs; null when none has. */
  rmse: number | null;
  /** Where measurement and prediction depart, and which fault windows explain it: one or two sentences. */
  departure: string;
  /** The same for k-staleness: the share of fresh reads (k = 1) measured against predicted. */
  kDeparture: string;
}

export interface PredictOptions {
  seed: number;
  /** Monte Carlo trials (wars.ts; default 20,000). */
  trials?: number;
  /** The buckets to average the predicted curve over (the measured curve's). */
  buckets: readonly { fromMs: number; toMs: number }[];
  /** The reads k-staleness is predicted over (how long before each the newest writes of its key were acknowledged); default the samples' own. */
  readAges?: number[][];
}

/** The prediction for `setting` from `samples`, or why the samples cannot give one. */
export function predictStaleness(samples: WarsSamples, setting: QuorumSetting, from: string, o: PredictOptions): PredictedStaleness | { cannot: string } {
  let model;
  try {
    model = warsModel(samples);
  } catch (error) {
    if (error instanceof CannotPredict) return { cannot: error.message };
    throw error;
  }
  if (o.readAges) model = { ...model, readAges: o.readAges };
  const opts = { seed: o.seed, ...(o.trials !== undefined ? { trials: o.trials } : {}) };
  const curve = predictTVisibility(model, setting, opts);
  return {
    setting,
    from,
    legs: curve.legs,
    trials: curve.trials,
    seed: o.seed,
    tVisibility: o.buckets.map((b) => ({ fromMs: b.fromMs, toMs: b.toMs, p: round4(visibilityOver(curve, b.fromMs, b.toMs)) })),
    kStaleness: predictKStaleness(model, setting, opts).share.map(round4),
    assumed: model.assumed,
  };
}

/** Keeps the ops that ran wholly outside every fault window (a window that never healed lasts to the end). */
export function outsideFaults(faults: readonly FaultSpan[]): (op: OpPair) => boolean {
  return (op) => !faults.some((f) => op.start < f.end && op.end > f.start);
}

/**
 * The fault window a read began in (the first, when windows overlap), or faults.length when none:
 * the group index tVisibilityByGroup counts it in.
 */
export function windowOf(faults: readonly FaultSpan[]): (read: OpPair) => number {
  return (read) => {
    const i = faults.findIndex((f) => read.start >= f.start && read.start < f.end);
    return i < 0 ? faults.length : i;
  };
}

/**
 * t-visibility of the reads begun in each fault window, then of those begun outside every one (the
 * last); null without faults. They add up to the whole curve (`sumGroups`).
 */
export function measuredByWindow(pairs: readonly OpPair[], faults: readonly FaultSpan[], buckets: readonly { fromMs: number; toMs: number }[]): TVisibility[] | null {
  if (faults.length === 0 || buckets.length === 0) return null;
  const edges = [...buckets.map((b) => b.fromMs), buckets.at(-1)!.toMs];
  return tVisibilityByGroup(pairs, windowOf(faults), faults.length + 1, edges);
}

/** The whole curve from its groups' (one pass over the history instead of two). */
export function sumGroups(groups: readonly TVisibility[]): TVisibility {
  const buckets = groups[0]!.buckets.map((b, i) => {
    const pairs = groups.reduce((s, g) => s + g.buckets[i]!.pairs, 0);
    const consistent = groups.reduce((s, g) => s + g.buckets[i]!.consistent, 0);
    return { fromMs: b.fromMs, toMs: b.toMs, pairs, consistent, p: pairs === 0 ? null : consistent / pairs };
  });
  return { buckets, pairs: groups.reduce((s, g) => s + g.pairs, 0), consistent: groups.reduce((s, g) => s + g.consistent, 0) };
}

/**
 * The measurement held against the prediction. `measured` is the run's t-visibility over all its
 * reads, in the buckets the prediction was averaged over; `unavailable` says why there is no
 * prediction when `predicted` is null.
 */
export function holdAgainstPrediction(input: {
  pairs: readonly OpPair[];
  faults: readonly FaultSpan[];
  measured: TVisibility;
  predicted: PredictedStaleness | null;
  unavailable?: string;
  /** The measurement by fault window (measuredByWindow), when the caller has it already. */
  byWindow?: TVisibility[] | null;
}): StalenessPrediction {
  const { pairs, faults, measured, predicted } = input;
  const byWindow = input.byWindow !== undefined ? input.byWindow : measuredByWindow(pairs, faults, measured.buckets);
  const quiet = byWindow ? byWindow[faults.length]! : null;
  if (!predicted) {
    const why = input.unavailable ?? 'no prediction was made';
    return { predicted: null, unavailable: why, quiet, rmse: null, departure: `No WARS prediction: ${why}.`, kDeparture: '' };
  }
  const compared = measured.buckets.flatMap((b, i) => (b.p !== null && b.pairs >= MIN_PAIRS ? [{ i, b, p: b.p, predicted: predicted.tVisibility[i]!.p }] : []));
  const rmse = compared.length === 0 ? null : Math.sqrt(compared.reduce((s, c) => s + (c.predicted - c.p) ** 2, 0) / compared.length);
  const kByWindow = kStalenessByGroup(pairs, windowOf(faults), faults.length + 1);
  return { predicted, unavailable: null, quiet, rmse, departure: departure(compared, rmse, faults, byWindow), kDeparture: kDeparture(kByWindow, predicted.kStaleness[0]!, faults) };
}

interface Compared {
  i: number;
  b: TVisibility['buckets'][number];
  p: number;
  predicted: number;
}

// What the model leaves out, named where a measurement departs from it the way each would explain.
const LEAVES_OUT_READ_REPAIR = 'the model leaves out read repair, which only makes later reads fresher';
const LEAVES_OUT_VERSION_ORDER = 'the model leaves out writes that lose on version order (a put whose version read missed the newest write), see docs/staleness.md';

/** How far a share measured over `n` may stray from the predicted one before it departs: the stated error, or two standard errors. */
function tolerance(predicted: number, n: number): number {
  return Math.max(STATED_ERROR, 2 * Math.sqrt((predicted * (1 - predicted)) / n));
}

/** The fault windows holding stale reads, the three with most named with their count, the rest counted: "A (5); B (4); C (3) and 2 more windows (3)". */
function namedWindows(faults: readonly FaultSpan[], staleIn: (window: number) => number): string {
  const windows = faults.map((f, w) => ({ f, stale: staleIn(w) })).filter((x) => x.stale > 0).sort((a, b) => b.stale - a.stale);
  const named = windows.slice(0, 3).map((x) => `${windowWords(x.f)} (${x.stale})`);
  const rest = windows.length - 3;
  const more = rest > 0 ? ` and ${rest} more window${rest === 1 ? '' : 's'} (${windows.slice(3).reduce((s, x) => s + x.stale, 0)})` : '';
  return named.join('; ') + more;
}

function departure(compared: readonly Compared[], rmse: number | null, faults: readonly FaultSpan[], byWindow: TVisibility[] | null): string {
  if (compared.length === 0) return `Too few (write, read) pairs to hold the measurement against the prediction: no t bucket has ${MIN_PAIRS}.`;
  const departing = compared.filter((c) => Math.abs(c.p - c.predicted) > tolerance(c.predicted, c.b.pairs));
  const fit = `RMSE ${rmse!.toFixed(3)} over the ${compared.length} t bucket${compared.length === 1 ? '' : 's'} with at least ${MIN_PAIRS} pairs`;
  if (departing.length === 0) return `Measured as predicted: every t bucket with at least ${MIN_PAIRS} pairs is within the prediction's error (${fit}).`;
  const worst = departing.reduce((a, c) => (Math.abs(c.p - c.predicted) > Math.abs(a.p - a.predicted) ? c : a));
  const at = `at t = ${worst.b.fromMs}–${worst.b.toMs} ms, ${pct(worst.p)} of ${worst.b.pairs} (write, read) pairs saw the write, against ${pct(worst.predicted)} predicted (${fit})`;
  if (worst.p > worst.predicted) return `Fresher than predicted ${at}: ${LEAVES_OUT_READ_REPAIR}.`;
  const staler = departing.filter((c) => c.p < c.predicted);
  const staleIn = (t: TVisibility) => staler.reduce((s, c) => s + t.buckets[c.i]!.pairs - t.buckets[c.i]!.consistent, 0);
  const where = staler.length === 1 ? 'in that bucket' : `in the ${staler.length} buckets that fall below it`;
  if (!byWindow) {
    return `Staler than predicted ${at}, with no fault injected: ${LEAVES_OUT_VERSION_ORDER}.`;
  }
  const total = staler.reduce((s, c) => s + c.b.pairs - c.b.consistent, 0);
  const outside = staleIn(byWindow[faults.length]!);
  const q = byWindow[faults.length]!.buckets[worst.i]!;
  const inWindows = total - outside;
  const quietWords =
    q.p === null ? 'no pair at that t outside them' : `outside them ${pct(q.p)} of ${q.pairs} pairs at that t saw the write${Math.abs(q.p - worst.predicted) <= tolerance(worst.predicted, q.pairs) ? ', as predicted' : ''}`;
  if (inWindows === 0) return `Staler than predicted ${at}. None of the ${total} stale pairs ${where} had its read begin in a fault window (${quietWords}).`;
  return `Staler than predicted ${at}. Of the ${total} stale pairs ${where}, ${inWindows} had their read begin in a fault window: ${namedWindows(faults, (w) => staleIn(byWindow[w]!))}; ${outside} outside any (${quietWords}).`;
}

/**
 * Where the measured share of fresh reads (k = 1) departs from the predicted one, by the rule the
 * t buckets follow (the stated error or two standard errors, at least MIN_PAIRS reads); when it is
 * staler, the reads that missed the newest version are counted by the fault window they began in.
 * `byWindow` is k-staleness per fault window, then outside every one (the last).
 */
function kDeparture(byWindow: readonly KStaleness[], predicted: number, faults: readonly FaultSpan[]): string {
  const reads = byWindow.reduce((s, k) => s + k.reads, 0);
  const staleIn = (k: KStaleness) => k.reads - k.behind[0]!;
  const stale = byWindow.reduce((s, k) => s + staleIn(k), 0);
  if (reads < MIN_PAIRS) return `Too few reads followed an acknowledged write of their key (${reads}) to hold k-staleness against the prediction: it takes ${MIN_PAIRS}.`;
  const measured = (reads - stale) / reads;
  const at = `${pct(measured)} of ${reads} reads returned the newest acknowledged version, against ${pct(predicted)} predicted`;
  if (Math.abs(measured - predicted) <= tolerance(predicted, reads)) return `Fresh reads (k = 1) as predicted: ${at}.`;
  if (measured > predicted) return `Fresher than predicted at k = 1: ${at}; ${LEAVES_OUT_READ_REPAIR}.`;
  if (faults.length === 0) return `Staler than predicted at k = 1: ${at}, with no fault injected: ${LEAVES_OUT_VERSION_ORDER}.`;
  const outside = byWindow[faults.length]!;
  const inWindows = stale - staleIn(outside);
  const quiet = outside.reads === 0 ? 'no read began outside them' : `outside them ${pct(outside.share[0]!)} of ${outside.reads} reads were fresh`;
  if (inWindows === 0) return `Staler than predicted at k = 1: ${at}. None of the ${stale} reads that missed it began in a fault window (${quiet}).`;
  return `Staler than predicted at k = 1: ${at}. Of the ${stale} reads that missed it, ${inWindows} began in a fault window: ${namedWindows(faults, (w) => staleIn(byWindow[w]!))}; ${staleIn(outside)} outside any (${quiet}).`;
}

/** "partition · majorities ring, 2.00–3.50 s". */
export function windowWords(f: FaultSpan): string {
  return `${f.kind} · ${f.description}, ${secs(f.start)}–${Number.isFinite(f.end) ? secs(f.end) : 'the end'}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
