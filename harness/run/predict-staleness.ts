/**
 * PBS's prediction of a run's staleness from what the run produced: the replica timings in its
 * history as its system reads them (`SystemUnderTest.replicaTimings`), its N/R/W (`quorums`), its
 * fault windows; and, for a comparison, the prediction of settings that were not run from the
 * latencies of those that were, pooled (docs/staleness.md). Pure: a history in, plain data out, for
 * the page builders (report.html, compare.html), which only draw it.
 */
import { pairsOf, faultsOf } from '../history/derived.js';
import type { FaultSpan } from '../history/fault-spans.js';
import type { HistoryOp } from '../history/op.js';
import type { OpPair } from '../history/pairs.js';
import { holdAgainstPrediction, measuredByWindow, outsideFaults, predictStaleness, sumGroups, type PredictedStaleness, type StalenessPrediction } from '../checks/staleness-prediction.js';
import { DEFAULT_T_EDGES_MS, pbsKStaleness, tVisibility, type TVisibility } from '../checks/staleness.js';
import type { PredictedRow } from '../report/compare-page.js';
import { mergeSamples, warsSamples, type QuorumSetting, type WarsSamples } from '../checks/wars.js';
import { systemOf } from './run-settings.js';
import type { RunSettings } from './settings.js';

/** The buckets a prediction without a measurement is averaged over (the run's measured curve's too). */
export const DEFAULT_BUCKETS: readonly { fromMs: number; toMs: number }[] = DEFAULT_T_EDGES_MS.slice(1).map((toMs, i) => ({ fromMs: DEFAULT_T_EDGES_MS[i]!, toMs }));

/** A run's latencies for the model: of the ops outside every fault window, and of all of them. */
export interface RunSamples {
  quiet: WarsSamples;
  all: WarsSamples;
  /** The run had fault windows (else quiet is all). */
  faulted: boolean;
}

/** The run's N/R/W on its nodes, or null when its system does not replicate by quorums. */
export function quorumSetting(settings: RunSettings): QuorumSetting | null {
  const q = systemOf(settings).quorums?.(settings.system);
  return q ? { ...q, nodes: settings.nodes } : null;
}

/** The run's latencies, or why the model cannot have them from this system. */
export function runSamples(settings: RunSettings, pairs: readonly OpPair[], faults: readonly FaultSpan[]): RunSamples | { unavailable: string } {
  const system = systemOf(settings);
  if (!system.quorums) return { unavailable: `${system.name} does not replicate by N/R/W quorums, which PBS's model is about` };
  const timings = system.replicaTimings;
  if (!timings) return { unavailable: `${system.name} gives no per-replica timings of its coordinators, which PBS's WARS model predicts from` };
  const timingsOf = (op: OpPair) => (op.trace ? timings(op.trace) : undefined);
  const all = warsSamples(pairs, { timingsOf });
  // Nothing timed at all: the ops outside fault windows have nothing either.
  if (faults.length === 0 || all.ops.write + all.ops.read === 0) return { quiet: all, all, faulted: faults.length > 0 };
  return { quiet: warsSamples(pairs, { timingsOf, keep: outsideFaults(faults) }), all, faulted: true };
}

function timed(s: WarsSamples): string {
  return `${s.ops.write} writes and ${s.ops.read} reads timed`;
}

/**
 * The prediction for `setting` from one run's latencies: those outside fault windows, else all of
 * them; or why neither can predict.
 */
export function predictFromRun(samples: RunSamples, setting: QuorumSetting, o: { seed: number; buckets: readonly { fromMs: number; toMs: number }[]; trials?: number }): PredictedStaleness | { cannot: string } {
  const opts = { ...o, readAges: samples.all.readAges };
  const quiet = predictStaleness(samples.quiet, setting, samples.faulted ? `this run's latencies outside fault windows (${timed(samples.quiet)})` : `this run's latencies (${timed(samples.all)})`, opts);
  if (!('cannot' in quiet) || !samples.faulted) return quiet;
  const all = predictStaleness(samples.all, setting, `this run's latencies, fault windows included (${timed(samples.all)}; outside them alone: ${quiet.cannot})`, opts);
  return 'cannot' in all ? quiet : all;
}

/**
 * The prediction for `setting` from several runs' latencies outside fault windows, pooled; the read
 * ages are `readAges` (default: pooled too). `why` says why the pool is used, when it is.
 */
export function predictFromPool(
  runs: readonly RunSamples[],
  setting: QuorumSetting,
  o: { seed: number; buckets: readonly { fromMs: number; toMs: number }[]; trials?: number; readAges?: number[][]; why?: string },
): PredictedStaleness | { cannot: string } {
  const pooled = mergeSamples(...runs.map((r) => r.quiet));
  const from = `the latencies of the ${runs.length} run${runs.length === 1 ? '' : 's'} of this comparison, pooled (${timed(pooled)})${o.why ? `; ${o.why}` : ''}`;
  return predictStaleness(pooled, setting, from, { ...o, readAges: o.readAges ?? mergeSamples(...runs.map((r) => r.all)).readAges });
}

/** What a run produced, measured and predicted: the report's staleness section. */
export interface RunStaleness {
  settings: RunSettings;
  pairs: readonly OpPair[];
  faults: FaultSpan[];
  measured: TVisibility;
  /** The measurement by fault window, then outside them; null without faults. */
  byWindow: TVisibility[] | null;
  /** The run's latencies; null when its system cannot give them. */
  samples: RunSamples | null;
  /** Why its own latencies cannot predict, when they cannot (other runs' may: a comparison pools them). */
  cannot: string | null;
  prediction: StalenessPrediction;
}

/** A run's staleness against its own prediction (report.html); `samples` is kept for a comparison's pool. */
export function runStaleness(settings: RunSettings, history: readonly HistoryOp[], pairs: readonly OpPair[] = pairsOf(history), o: { trials?: number } = {}): RunStaleness {
  const faults = faultsOf(history);
  // One pass over the history by fault window gives the whole curve too.
  const byWindow = measuredByWindow(pairs, faults, DEFAULT_BUCKETS);
  const measured = byWindow ? sumGroups(byWindow) : tVisibility(pairs);
  const setting = quorumSetting(settings);
  const samples = runSamples(settings, pairs, faults);
  const base = { settings, pairs, faults, measured, byWindow };
  if ('unavailable' in samples) return { ...base, samples: null, cannot: null, prediction: holdAgainstPrediction({ ...base, predicted: null, unavailable: samples.unavailable }) };
  const p = predictFromRun(samples, setting!, { seed: settings.seed, buckets: measured.buckets, ...o });
  if ('cannot' in p) {
    const bigger = `${setting!.N}/${Math.min(2, setting!.N)}/${Math.min(2, setting!.N)}`;
    const unavailable = `${p.cannot}. A comparison with a larger quorum beside it (godist compare --settings ${label(setting!)},${bigger}) predicts from both runs' latencies`;
    return { ...base, samples, cannot: p.cannot, prediction: holdAgainstPrediction({ ...base, predicted: null, unavailable }) };
  }
  return { ...base, samples, cannot: null, prediction: holdAgainstPrediction({ ...base, predicted: p }) };
}

/** A setting that was not run, to predict (`godist compare --predict`). */
export interface SettingToPredict {
  text: string;
  label: string;
  setting: QuorumSetting;
}

/**
 * A comparison's predictions once some of its settings ran: each run whose own latencies cannot
 * predict gets the prediction from every run's latencies pooled (null: it keeps its own outcome),
 * and each setting that was not run its prediction from the pool. Pure.
 */
export function comparePredictions(
  runs: readonly RunStaleness[],
  toPredict: readonly SettingToPredict[],
  seed: number,
  o: { trials?: number } = {},
): { runs: (StalenessPrediction | null)[]; predicted: PredictedRow[] } {
  const pool = runs.flatMap((r) => (r.samples ? [r.samples] : []));
  const fromPool = runs.map((r) => {
    if (!r.samples || r.cannot === null || pool.length < 2) return null;
    const setting = quorumSetting(r.settings)!;
    const p = predictFromPool(pool, setting, { seed: r.settings.seed, buckets: r.measured.buckets, readAges: r.samples.all.readAges, why: `its own alone cannot predict: ${r.cannot}`, ...o });
    return 'cannot' in p ? null : holdAgainstPrediction({ pairs: r.pairs, faults: r.faults, measured: r.measured, byWindow: r.byWindow, predicted: p });
  });
  const predicted = toPredict.map((t): PredictedRow => {
    const kClosedForm = [1, 2, 3, 4, 5].map((k) => pbsKStaleness(t.setting.N, t.setting.R, t.setting.W, k));
    const base = { text: t.text, label: t.label, kClosedForm };
    if (pool.length === 0) return { ...base, predicted: null, unavailable: 'no run of this comparison has per-replica timings to predict from' };
    const p = predictFromPool(pool, t.setting, { seed, buckets: runs[0]?.measured.buckets ?? DEFAULT_BUCKETS, ...o });
    return 'cannot' in p ? { ...base, predicted: null, unavailable: p.cannot } : { ...base, predicted: p, unavailable: null };
  });
  return { runs: fromPool, predicted };
}


export function label(s: Pick<QuorumSetting, 'N' | 'R' | 'W'>): string {
  return `${s.N}/${s.R}/${s.W}`;
}
