import { faultsOf } from '../history/derived.js';
import type { ClusterObservations } from '../checks/observations.js';
import type { OwnershipChange } from '../checks/ownership.js';
import type { Anomaly, RunResults } from '../checks/result.js';
import type { StalenessPrediction } from '../checks/staleness-prediction.js';
import { kStaleness, pbsKStaleness, tVisibility, type KStaleness, type TVisibility } from '../checks/staleness.js';
import type { HistoryOp } from '../history/op.js';
import { pairOps, type OpPair } from '../history/pairs.js';
import type { RunSettings } from '../run/settings.js';
import { nearestRank } from '../shared/sorted.js';

/** run.json as `godist run` writes it; every field optional, since old or foreign folders differ. */
export interface RunInfo {
  tool?: string;
  version?: string;
  command?: string | null;
  startedAt?: string;
  node?: string;
  /** The run's settings as that version wrote them (read with resolveSettings). */
  settings?: object;
  nodes?: Record<string, string>;
  /** Wall-clock ms of the history's time 0: lines the nodes' logs (epoch ms) up with the history. */
  historyEpochMs?: number;
  clusterSampling?: { intervalMs?: number; start?: number; end?: number } | null;
  /** running from its start; interrupted (Ctrl-C, a crash) before its checks; done once results.json is written. */
  status?: 'running' | 'interrupted' | 'done';
  [field: string]: unknown;
}

/** What the report shows of a run's settings and system, worked out once by the caller. */
export interface SystemDescription {
  name: string;
  /** The system's short label, e.g. `n3r2w2-strict` (folder names). */
  label: string;
  /** The system and its settings in a few words, e.g. `godist n3r2w2-strict` or `etcd-serializable` (titles, tables). */
  title: string;
  /** Harness rows, then the system's. */
  rows: [string, string][];
  /** N/R/W when the system replicates by quorums (PBS's predictions apply). */
  quorums: { N: number; R: number; W: number } | null;
  /** Each anomaly's ops' traces in words, by history index (filled by the caller from the system). */
  traceLines?: (trace: Record<string, unknown>) => string[];
}


export interface ReportInput {
  /** run.json: tool, version, the command that repeats the run, when it started. */
  run: RunInfo;
  /** The run's settings as this version reads them; null when run.json has none it can read. */
  settings?: RunSettings | null;
  /** The system under test in words, worked out by the caller from the settings. */
  system?: SystemDescription | null;
  history: readonly HistoryOp[];
  /** results.json; absent for a run that crashed before its checks. */
  results?: RunResults | null;
  /** The cluster's own view as sampled (cluster.jsonl) and logged; absent when the run did not sample it. */
  observations?: ClusterObservations | null;
  /**
   * PBS's WARS prediction of the run's staleness from its own latencies, held against what it
   * measured (run/predict-staleness.ts); its `unavailable` says why there is none. Absent: the caller
   * made none, and the page says so.
   */
  prediction?: StalenessPrediction | null;
}

/**
 * Every client op as columns (one array per field, index = op in invocation order), so 100,000 ops
 * embed as a few flat arrays rather than 100,000 objects. Times are whole microseconds since the
 * run began; `s` is delta-encoded (ops are in invocation order, so deltas are small and positive).
 */
export interface OpColumns {
  /** History index of the invoke line (anomalies name ops by it), delta-encoded. */
  i: number[];
  /** The worker lane the op is drawn in. */
  lane: number[];
  /** The process is lane + g × laneModulus (a worker takes a new process after an info). */
  g: number[];
  /** Index into `fs`. */
  f: number[];
  /** Index into `keys`. */
  k: number[];
  /** Start, delta-encoded µs. */
  s: number[];
  /** Duration in µs until the completion line; −1 when the op never completed. */
  d: number[];
  /** 0 ok, 1 fail, 2 info. */
  t: number[];
  /** Written value (writes), returned value (ok reads), else null. */
  v: unknown[];
  /** Index into `nodes`, −1 when unknown. */
  n: number[];
  /** Index into `errors`, −1 when none. */
  e: number[];
  /** Bit 1: a final read; bit 2: an anomaly is about this op; bit 4: an anomaly names it as related. */
  x: number[];
}

export interface FaultWindow {
  kind: string;
  /** Seconds since the run began; end null when the history never saw the fault end. */
  start: number;
  end: number | null;
  description: string;
  nodes: string[];
}

/** One anomaly as the report shows it; `op` and `related` are positions in the op columns. */
export interface ReportAnomaly {
  check: string;
  type: string;
  key: string | null;
  index: number;
  related: number[];
  /** Seconds since the run began. */
  time: number;
  explanation: string;
  /** Did this check break a promise (true) or was the anomaly allowed by the settings? */
  broken: boolean;
  details: Record<string, unknown>;
}

export interface PerfSeries {
  /** Bucket width in seconds, and each bucket's middle. */
  bucketS: number;
  t: number[];
  /**
   * Latency quantiles (ms) of ok ops invoked in the bucket, per function; null where the bucket has
   * too few to tell the quantile from the maximum (p95 below 20 ops, p99 below 100, max below 2).
   */
  latency: Record<string, { p50: (number | null)[]; p95: (number | null)[]; p99: (number | null)[]; max: (number | null)[] }>;
  /** Completions per second in the bucket, by outcome. */
  throughput: { ok: number[]; fail: number[]; info: number[] };
  /** Share of completed ops that were ok, per function and in all. */
  availability: Record<string, (number | null)[]>;
}

export interface StalenessData {
  tVisibility: TVisibility;
  kStaleness: KStaleness;
  /** PBS's closed-form k-staleness for these N/R/W (k = 1..5); null when N/R/W are unknown. */
  predicted: number[] | null;
  /** The WARS model's prediction per t bucket and per k (k = 1..5); null when there is none. */
  wars: { tVisibility: number[]; kStaleness: number[] } | null;
  /** Measured t-visibility per bucket of the reads begun outside every fault window; null without faults. */
  quiet: (number | null)[] | null;
}

export interface ReportData {
  title: string;
  durationS: number;
  lanes: number;
  /** Workers (concurrency): process = lane + g × laneModulus; 0 when lanes are processes. */
  laneModulus: number;
  fs: string[];
  keys: string[];
  nodes: string[];
  errors: string[];
  ops: OpColumns;
  faults: FaultWindow[];
  anomalies: ReportAnomaly[];
  /** The system's account of the ops anomalies name, in words, by history index. */
  traces: Record<number, string>;
  perf: PerfSeries;
  staleness: StalenessData;
}

const TYPE_CODE = { ok: 0, fail: 1, info: 2 } as const;

/** Interning table: value → small index, kept in first-seen order. */
function table(): { list: string[]; of(v: string | undefined): number } {
  const list: string[] = [];
  const at = new Map<string, number>();
  return {
    list,
    of(v) {
      if (v === undefined) return -1;
      let i = at.get(v);
      if (i === undefined) {
        i = list.length;
        list.push(v);
        at.set(v, i);
      }
      return i;
    },
  };
}

/** The compact data the page's script draws from. Pure. */
export function reportData(input: ReportInput, pairs: readonly OpPair[] = pairOps(input.history)): ReportData {
  const { history, results } = input;
  const settings = input.settings ?? results?.settings ?? null;
  const concurrency = settings && settings.concurrency > 0 ? settings.concurrency : undefined;
  const traceLines = input.system?.traceLines;

  const completionTime = new Map<number, number>();
  for (const op of history) if (op.type !== 'invoke' && typeof op.process === 'number') completionTime.set(op.index, op.time);

  const fs = table();
  const keys = table();
  const nodes = table();
  const errors = table();
  const ops: OpColumns = { i: [], lane: [], g: [], f: [], k: [], s: [], d: [], t: [], v: [], n: [], e: [], x: [] };
  const position = new Map<number, number>();
  let prevStart = 0;
  let prevIndex = 0;
  let lanes = 0;
  let lastTime = 0;
  pairs.forEach((p, pos) => {
    position.set(p.index, pos);
    const startUs = Math.round(p.start / 1e3);
    const done = p.completeIndex !== undefined ? completionTime.get(p.completeIndex) : undefined;
    const lane = concurrency ? p.process % concurrency : p.process;
    lanes = Math.max(lanes, lane + 1);
    ops.i.push(p.index - prevIndex);
    ops.lane.push(lane);
    ops.g.push(concurrency ? Math.floor(p.process / concurrency) : 0);
    ops.f.push(fs.of(p.f));
    ops.k.push(keys.of(p.key));
    ops.s.push(startUs - prevStart);
    ops.d.push(done === undefined ? -1 : Math.max(0, Math.round(done / 1e3) - startUs));
    ops.t.push(TYPE_CODE[p.type]);
    ops.v.push(p.value === undefined ? null : p.value);
    ops.n.push(nodes.of(p.node));
    ops.e.push(errors.of(p.error));
    ops.x.push(p.final ? 1 : 0);
    prevStart = startUs;
    prevIndex = p.index;
    lastTime = Math.max(lastTime, done ?? p.start);
  });
  for (const op of history) lastTime = Math.max(lastTime, op.time);

  const anomalies: ReportAnomaly[] = [];
  const traces: Record<number, string> = {};
  const mark = (index: number, bit: number): number | undefined => {
    const pos = position.get(index);
    if (pos === undefined) return undefined;
    ops.x[pos] = ops.x[pos]! | bit;
    const trace = pairs[pos]!.trace;
    if (trace && traceLines) traces[index] = traceLines(trace).join('; ');
    return pos;
  };
  for (const [check, result] of Object.entries(results?.checks ?? {})) {
    for (const a of result.anomalies ?? []) {
      mark(a.index, 2);
      for (const r of a.related ?? []) mark(r, 4);
      anomalies.push(toReportAnomaly(check, a, result.valid === false));
    }
  }

  const faults: FaultWindow[] = faultsOf(history).map((f) => ({
    kind: f.kind,
    start: f.start / 1e9,
    end: Number.isFinite(f.end) ? f.end / 1e9 : null,
    description: f.description,
    nodes: f.nodes,
  }));

  const q = input.system?.quorums;
  const predicted = q ? [1, 2, 3, 4, 5].map((k) => pbsKStaleness(q.N, q.R, q.W, k)) : null;

  return {
    title: titleOf(settings, input.system ?? null),
    durationS: lastTime / 1e9,
    lanes: Math.max(1, lanes),
    laneModulus: concurrency ?? 0,
    fs: fs.list,
    keys: keys.list,
    nodes: nodes.list,
    errors: errors.list,
    ops,
    faults,
    anomalies,
    traces,
    perf: perfSeries(pairs, completionTime, lastTime),
    staleness: {
      tVisibility: tVisibility(pairs),
      kStaleness: kStaleness(pairs),
      predicted,
      wars: input.prediction?.predicted ? { tVisibility: input.prediction.predicted.tVisibility.map((b) => b.p), kStaleness: input.prediction.predicted.kStaleness } : null,
      quiet: input.prediction?.quiet ? input.prediction.quiet.buckets.map((b) => b.p) : null,
    },
  };
}

const KNOWN = new Set(['type', 'key', 'index', 'related', 'time', 'explanation']);

function toReportAnomaly(check: string, a: Anomaly, broken: boolean): ReportAnomaly {
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (!KNOWN.has(k)) details[k] = v;
  return {
    check,
    type: a.type,
    key: a.key ?? null,
    index: a.index,
    related: Array.isArray(a.related) ? a.related : [],
    time: (typeof a.time === 'number' ? a.time : 0) / 1e9,
    explanation: typeof a.explanation === 'string' ? a.explanation : '',
    broken,
    details,
  };
}

/** `register · godist n3r2w2-strict · kill+pause`. */
export function titleOf(s: RunSettings | null, system: SystemDescription | null): string {
  if (!s) return 'godist run';
  const faults = s.nemesis.length > 0 ? s.nemesis.join('+') : 'no faults';
  return `${s.workload} · ${system ? system.title : s.system.name} · ${faults}`;
}

/** A round bucket width giving at most about `target` buckets. */
export function bucketWidth(durationS: number, target = 150): number {
  const raw = Math.max(durationS / target, 0.05);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * pow) return m * pow;
  return 10 * pow;
}

function perfSeries(pairs: readonly OpPair[], completionTime: Map<number, number>, lastTime: number): PerfSeries {
  const main = pairs.filter((p) => !p.final);
  const end = main.reduce((m, p) => Math.max(m, p.completeIndex !== undefined ? (completionTime.get(p.completeIndex) ?? p.start) : p.start), 0) / 1e9;
  const durationS = Math.max(main.length > 0 ? end : lastTime / 1e9, 0.001);
  const bucketS = bucketWidth(durationS);
  const n = Math.max(1, Math.ceil(durationS / bucketS));
  const at = (ns: number) => Math.min(n - 1, Math.max(0, Math.floor(ns / 1e9 / bucketS)));
  const fsSeen = [...new Set(main.map((p) => p.f))];

  const lat = new Map<string, number[][]>(fsSeen.map((f) => [f, Array.from({ length: n }, () => [])]));
  const done = new Map<string, number[]>([...fsSeen, '*'].map((f) => [f, new Array<number>(n).fill(0)]));
  const okDone = new Map<string, number[]>([...fsSeen, '*'].map((f) => [f, new Array<number>(n).fill(0)]));
  const throughput = { ok: new Array<number>(n).fill(0), fail: new Array<number>(n).fill(0), info: new Array<number>(n).fill(0) };
  for (const p of main) {
    if (p.type === 'ok') lat.get(p.f)![at(p.start)]!.push((p.end - p.start) / 1e6);
    const completed = p.completeIndex !== undefined ? completionTime.get(p.completeIndex) : undefined;
    const b = at(completed ?? p.start);
    throughput[p.type][b]!++;
    for (const f of [p.f, '*']) {
      done.get(f)![b]!++;
      if (p.type === 'ok') okDone.get(f)![b]!++;
    }
  }
  const latency: PerfSeries['latency'] = {};
  for (const [f, buckets] of lat) {
    const q = { p50: [] as (number | null)[], p95: [] as (number | null)[], p99: [] as (number | null)[], max: [] as (number | null)[] };
    for (const xs of buckets) {
      xs.sort((a, b) => a - b);
      // A quantile is drawn where the bucket has the samples to tell it from the maximum (p95: 20,
      // p99: 100); with fewer it would be the maximum, a line drawn twice and listed twice.
      const pick = (x: number) => (xs.length < Math.round(1 / (1 - x)) ? null : round3(nearestRank(xs, x)));
      q.p50.push(xs.length === 0 ? null : round3(nearestRank(xs, 0.5)));
      q.p95.push(pick(0.95));
      q.p99.push(pick(0.99));
      q.max.push(xs.length < 2 ? null : round3(xs[xs.length - 1]!));
    }
    latency[f] = q;
  }
  const availability: PerfSeries['availability'] = {};
  for (const [f, d] of done) {
    const ok = okDone.get(f)!;
    availability[f === '*' ? 'all' : f] = d.map((c, i) => (c === 0 ? null : round3(ok[i]! / c)));
  }
  const perSecond = (xs: number[]) => xs.map((c) => round3(c / bucketS));
  return {
    bucketS,
    t: Array.from({ length: n }, (_, i) => round3((i + 0.5) * bucketS)),
    latency,
    throughput: { ok: perSecond(throughput.ok), fail: perSecond(throughput.fail), info: perSecond(throughput.info) },
    availability,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The membership changes of a run with their ownership figures (results.json's ownership check); empty when it had none. */
export function ownershipRows(results: RunResults | null | undefined): OwnershipChange[] {
  const changes = results?.checks['ownership']?.['changes'];
  return Array.isArray(changes) ? (changes as OwnershipChange[]) : [];
}
