/**
 * npm run bench:wars [-- --settings 3/1/1,3/1/2,3/2/1,3/2/2] [--seconds 20] [--rate 600] [--keys 3]
 *                       [--concurrency 10] [--nodes 5] [--seed 7] [--trials 20000] [--quorum sloppy]
 *                       [--runs DIR,DIR,...]
 *
 * The WARS model against measurement, as PBS validated it: one quiet run (`godist run --nemesis
 * none`) per setting, then, for each, t-visibility measured from the history (report/staleness.ts,
 * the stale-read check's rule) beside the t-visibility the model predicts (harness/checks/wars.ts):
 * - from that run's own latencies, with inbox legs (the default), with the band the extreme splits
 *   of the client legs give, and with PBS's even split of every round trip, for comparison;
 * - from the latencies of all the runs pooled (what `compare --predict` can do for settings that
 *   were not run), and from each other run's alone (the cross table).
 * Each with the RMSE over the curve's buckets and the figures at t = 0 (the first bucket), and
 * k-staleness measured and predicted. The stale reads are sorted by cause: the write had not reached
 * the replicas the read heard (what the model predicts), or the later write got an equal or lower
 * version (its version read missed the newest; the model leaves this out). Ends with one JSON line.
 *
 * Few keys and a high rate give measurable staleness: a read must start within a millisecond or
 * two of a write's acknowledgement on the same key for a quiet cluster on loopback to show any.
 * `--runs` re-reads existing results folders instead of running (in --settings order).
 */
import { replicaTimings } from '../harness/systems/godist/trace.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findStaleReads } from '../harness/checks/stale-reads.js';
import { pairOps, type OpPair } from '../harness/history/pairs.js';
import { readJsonl } from '../harness/history/read-jsonl.js';
import { cliMain } from '../harness/shared/paths.js';
import { kStaleness, tVisibility, type TVisibility } from '../harness/checks/staleness.js';
import {
  CannotPredict,
  compareTVisibility,
  FRESHEST_SPLIT,
  mergeSamples,
  predictKStaleness,
  predictTVisibility,
  STALEST_SPLIT,
  visibilityAt,
  warsModel,
  warsSamples,
  type PredictOptions,
  type QuorumSetting,
  type WarsModel,
  type WarsSamples,
} from '../harness/checks/wars.js';

/** GoDist's replica timings, read from each op's trace. */
const godistTimings = { timingsOf: (op: { trace?: Record<string, unknown> }) => (op.trace ? replicaTimings(op.trace) : undefined) };

const { values: opts } = parseArgs({
  options: {
    settings: { type: 'string', default: '3/1/1,3/1/2,3/2/1,3/2/2' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '600' },
    keys: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    trials: { type: 'string', default: '20000' },
    quorum: { type: 'string', default: 'sloppy' },
    runs: { type: 'string', default: '' },
  },
  strict: true,
});

/** Fine near 0, where quiet loopback clusters go from stale to fresh. */
const EDGES_MS = [0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 25, 50, 100];
const MIN_PAIRS = 30;
const nodes = Number(opts.nodes);
const seed = Number(opts.seed);
const trials = Number(opts.trials);

function parseSetting(text: string): QuorumSetting {
  const [N, R, W] = text.split('/').map(Number);
  if (![N, R, W].every((x) => Number.isInteger(x) && x! >= 1)) {
    console.error(`bench:wars: setting ${JSON.stringify(text)} is not N/R/W (e.g. 3/1/2)`);
    process.exit(2);
  }
  return { N: N!, R: R!, W: W!, nodes };
}

const settings = opts.settings.split(',').map((s) => parseSetting(s.trim()));
const given = opts.runs === '' ? [] : opts.runs.split(',');
if (given.length > 0 && given.length !== settings.length) {
  console.error(`bench:wars: --runs names ${given.length} folders for ${settings.length} settings; give one per setting, in order`);
  process.exit(2);
}
const label = (s: QuorumSetting) => `${s.N}/${s.R}/${s.W}`;

/** One quiet run of `godist run`; returns its results folder. */
function run(s: QuorumSetting, resultsDir: string): string {
  const args = [
    cliMain, 'run', '--nemesis', 'none', '--nodes', String(nodes), '-N', String(s.N), '-R', String(s.R), '-W', String(s.W),
    '--quorum', opts.quorum, '--time-limit', opts.seconds, '--rate', opts.rate, '--keys', opts.keys,
    '--concurrency', opts.concurrency, '--seed', opts.seed, '--results-dir', resultsDir,
  ];
  console.log(`running ${label(s)}: npx godist ${args.slice(1).join(' ').replace(` --results-dir ${resultsDir}`, '')}`);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const folder = /^results: (.+)$/m.exec(r.stdout ?? '')?.[1];
  if (!folder || (r.status !== 0 && r.status !== 1)) {
    console.error(r.stdout, r.stderr);
    console.error(`bench:wars: the run of ${label(s)} ended with exit ${r.status} and no results folder`);
    process.exit(4);
  }
  return folder.trim();
}

interface Measured {
  setting: QuorumSetting;
  folder: string;
  pairs: OpPair[];
  tv: TVisibility;
  samples: WarsSamples;
  /** The run's own model, or why there is none. */
  own: WarsModel | string;
}

function modelOf(samples: WarsSamples): WarsModel | string {
  try {
    return warsModel(samples);
  } catch (e) {
    if (e instanceof CannotPredict) return e.message;
    throw e;
  }
}

function load(setting: QuorumSetting, folder: string): Measured {
  const { history } = readJsonl(readFileSync(path.join(folder, 'history.jsonl')));
  const pairs = pairOps(history);
  // A node that did not come up leaves its address to something else: the ops sent to it are then
  // served by another coordinator, and the run is not the quiet cluster it claims to be.
  const strays = pairs.filter((p) => p.type === 'ok' && p.trace?.coordinator !== undefined && p.trace.coordinator !== p.node).length;
  if (strays > 0) console.log(`  warning: ${strays} ops were served by another node than the one they were sent to (a node did not start?): ${folder}`);
  const samples = warsSamples(pairs, godistTimings);
  return { setting, folder, pairs, tv: tVisibility(pairs, EDGES_MS), samples, own: modelOf(samples) };
}

/**
 * Stale reads by cause. `version`: the read returned a version at least as high as the write it
 * missed, so the later write lost on version order (its version read missed the newest) and no
 * amount of propagation would show it; the model leaves this out. `propagation`: the rest.
 */
function staleCauses(pairs: readonly OpPair[]): { stale: number; propagation: number; version: number } {
  const stale = findStaleReads(pairs.filter((p) => !p.final));
  let version = 0;
  for (const s of stale) {
    const read = s.read.trace?.version;
    const missed = s.missed[0]!.trace?.version;
    if (typeof read === 'number' && typeof missed === 'number' && read >= missed) version++;
  }
  return { stale: stale.length, propagation: stale.length - version, version };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   —  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
const censoredShare = (d: { samples: number; censored: number } | null) => (d === null ? null : d.censored / Math.max(1, d.samples));

const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'godist-wars-bench-'));
const measured = settings.map((s, i) => load(s, given[i] ?? run(s, resultsDir)));
const pooled = modelOf(mergeSamples(...measured.map((m) => m.samples)));
if (typeof pooled === 'string') {
  console.error(`bench:wars: even the pooled samples cannot predict: ${pooled}`);
  process.exit(4);
}

interface Prediction {
  t0: number;
  rmse: number | null;
  compared: number;
}

function predicted(m: Measured, model: WarsModel, o: Partial<PredictOptions> = {}): Prediction & { curve: ReturnType<typeof compareTVisibility> } {
  const p = predictTVisibility(model, m.setting, { seed, trials, ...o });
  const c = compareTVisibility(m.tv, p, MIN_PAIRS);
  return { t0: c.buckets[0]!.predicted, rmse: c.rmse, compared: c.compared, curve: c };
}

interface Row {
  setting: string;
  folder: string;
  pairs: number;
  firstBucketPairs: number;
  t0Measured: number | null;
  /** From the run's own latencies, inbox legs; null with the reason when the run alone cannot say. */
  own: (Prediction & { band: [number, number]; pAtZero: number; evenSplit: Prediction }) | { cannot: string };
  /** From every run's latencies pooled. */
  pooled: Prediction;
  kMeasured: number[];
  kPredicted: number[];
  staleReads: { stale: number; propagation: number; version: number };
}

const rows: Row[] = [];
for (const m of measured) {
  const k = kStaleness(m.pairs, 5);
  const pool = predicted(m, pooled);
  const kModel = typeof m.own === 'string' ? { ...pooled, readAges: m.samples.readAges } : m.own;
  const kp = predictKStaleness(kModel, m.setting, { seed, trials });
  const causes = staleCauses(m.pairs);
  let own: Row['own'];
  console.log(`\n${label(m.setting)} (${m.folder})`);
  if (typeof m.own === 'string') {
    own = { cannot: m.own };
    console.log(`  its own latencies cannot predict: ${m.own}`);
    console.log('  t (ms)        pairs  measured  predicted from all runs pooled');
    for (const c of pool.curve.buckets) console.log(`  [${String(c.fromMs).padStart(4)}, ${String(c.toMs).padEnd(4)})  ${String(c.pairs).padStart(6)}   ${pct(c.measured)}    ${pct(c.predicted)}`);
  } else {
    const inbox = predicted(m, m.own);
    const lo = predicted(m, m.own, { split: STALEST_SPLIT });
    const hi = predicted(m, m.own, { split: FRESHEST_SPLIT });
    const even = predicted(m, m.own, { legs: 'split' });
    const atZero = visibilityAt(predictTVisibility(m.own, m.setting, { seed, trials }), 0);
    own = { t0: inbox.t0, rmse: inbox.rmse, compared: inbox.compared, band: [lo.t0, hi.t0], pAtZero: atZero, evenSplit: { t0: even.t0, rmse: even.rmse, compared: even.compared } };
    const { write, read } = m.own;
    console.log(
      `  requests to other nodes: writes ${write.remote.samples}, ${pct(censoredShare(write.queued))} still queued and ${pct(censoredShare(write.rest))} unanswered when their coordinator replied; ` +
        `reads ${read.remote.samples}, ${pct(censoredShare(read.queued))} and ${pct(censoredShare(read.rest))}`,
    );
    console.log('  t (ms)        pairs  measured  predicted  [stalest, freshest client split]  PBS even split  all runs pooled');
    inbox.curve.buckets.forEach((c, b) => {
      console.log(
        `  [${String(c.fromMs).padStart(4)}, ${String(c.toMs).padEnd(4)})  ${String(c.pairs).padStart(6)}   ${pct(c.measured)}    ${pct(c.predicted)}   [${pct(lo.curve.buckets[b]!.predicted)}, ${pct(hi.curve.buckets[b]!.predicted)}]                ${pct(even.curve.buckets[b]!.predicted)}          ${pct(pool.curve.buckets[b]!.predicted)}`,
      );
    });
    console.log(`  RMSE over ${inbox.compared} buckets with ≥ ${MIN_PAIRS} pairs: ${fmt(inbox.rmse)} (stalest ${fmt(lo.rmse)}, freshest ${fmt(hi.rmse)}; PBS even split ${fmt(even.rmse)}; pooled ${fmt(pool.rmse)})`);
  }
  console.log(`  k-staleness (share within k versions), k = 1..5: measured ${k.share.map(pct).join(' ')} | predicted ${kp.share.map(pct).join(' ')}`);
  console.log(`  stale reads: ${causes.stale}, of which ${causes.version} lost on version order (not modelled) and ${causes.propagation} missed a write still on its way`);
  rows.push({
    setting: label(m.setting),
    folder: m.folder,
    pairs: m.tv.pairs,
    firstBucketPairs: m.tv.buckets[0]!.pairs,
    t0Measured: m.tv.buckets[0]!.p,
    own,
    pooled: { t0: pool.t0, rmse: pool.rmse, compared: pool.compared },
    kMeasured: k.share,
    kPredicted: kp.share,
    staleReads: causes,
  });
}

console.log(`\nsummary: t = 0 is the first bucket, [0, ${EDGES_MS[1]}) ms (± its binomial standard error); P(0) the predicted curve at exactly 0`);
console.log('setting  pairs@t0  t0 measured       t0 predicted  [band]             PBS even   P(0)     RMSE  (even)  pooled: t0   RMSE    stale (version order)');
for (const r of rows) {
  const se = r.t0Measured === null ? null : Math.sqrt((r.t0Measured * (1 - r.t0Measured)) / Math.max(1, r.firstBucketPairs));
  const own = 'cannot' in r.own ? `${'own latencies cannot predict'.padEnd(79)}` : `${pct(r.own.t0).padStart(12)}  [${pct(r.own.band[0])}, ${pct(r.own.band[1])}]  ${pct(r.own.evenSplit.t0).padStart(8)}  ${pct(r.own.pAtZero)}  ${fmt(r.own.rmse)}  (${fmt(r.own.evenSplit.rmse)})`;
  console.log(`${r.setting.padEnd(8)} ${String(r.firstBucketPairs).padStart(8)}  ${pct(r.t0Measured)} ± ${fmt(se === null ? null : 100 * se, 1).padStart(4)}  ${own}  ${pct(r.pooled.t0)}  ${fmt(r.pooled.rmse)}  ${String(r.staleReads.stale).padStart(5)} (${r.staleReads.version})`);
}

// Every setting predicted from every run's latencies alone: the diagonal is the table above.
console.log('\ncross prediction: RMSE of the t-visibility curve of each run (row) predicted from the latencies of another (column)');
console.log(`measured \\ from  ${measured.map((m) => label(m.setting).padStart(7)).join(' ')}`);
const cross: Record<string, Record<string, number | null>> = {};
for (const target of measured) {
  cross[label(target.setting)] = {};
  const cells = measured.map((source) => {
    const rmse = typeof source.own === 'string' ? null : predicted(target, source.own).rmse;
    cross[label(target.setting)]![label(source.setting)] = rmse;
    return fmt(rmse).padStart(7);
  });
  console.log(`${label(target.setting).padEnd(16)} ${cells.join(' ')}`);
}

console.log(JSON.stringify({ bench: 'wars', nodes, rate: Number(opts.rate), keys: Number(opts.keys), seconds: Number(opts.seconds), quorum: opts.quorum, seed, trials, edgesMs: EDGES_MS, rows, cross }));
