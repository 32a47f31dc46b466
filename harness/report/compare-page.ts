import { pairsOf, faultsOf } from '../history/derived.js';
import type { HistoryOp } from '../history/op.js';
import { isUndecided, outcomeOf, type Anomaly, type Outcome, type RunResults, type Verdict } from '../checks/result.js';
import { foundWords, OUTCOME_CLASS, outcomeWords, promisedWords, runVerdictWords } from '../checks/words.js';
import type { RunSettings } from '../run/settings.js';
import { browserScript, esc, page, scriptJson } from './html.js';
import type { SystemDescription } from './report-data.js';
import { kStaleness, pbsKStaleness, tVisibility, type TVisibilityBucket } from '../checks/staleness.js';
import type { PredictedStaleness, StalenessPrediction } from '../checks/staleness-prediction.js';
import { availabilityBySide } from '../checks/partition-sides.js';
import { nodeIds } from '../run/settings.js';

/** One check of a setting, in the words every page uses (checks/words.ts). */
export interface CheckWords {
  check: string;
  /** no, by the settings, by --expect */
  promised: string;
  /** a count, undecided, – */
  found: string;
  /** kept, BROKEN, undecided, found, allowed, none found, not applicable */
  verdict: string;
  outcome: Outcome;
}

/** One setting's line in the comparison, everything compare.html and the terminal table need. */
export interface CompareRow {
  text: string;
  /** N/R/W and modes spelled out. */
  label: string;
  /** The run's folder relative to the compare folder (for links). */
  folder: string;
  settings: RunSettings;
  valid: Verdict;
  readAvailability: number | null;
  writeAvailability: number | null;
  p50: number | null;
  p99: number | null;
  staleReads: number;
  readsChecked: number;
  staleRate: number | null;
  linearizable: { valid: Verdict; count: number; promised: boolean; keys: number; decided: boolean } | null;
  lostWrites: number;
  /** Acknowledged writes the lost-write check held against the final reads (its denominator); absent in older compare.json. */
  lostChecked?: number | null;
  lostPromised: boolean;
  kMeasured: number[];
  kReads: number;
  /** PBS's closed form per k; null for a system that is not a quorum system. */
  kPredicted: (number | null)[];
  tVisibility: TVisibilityBucket[];
  /**
   * PBS's WARS prediction from the run's latencies (or, when they cannot predict, from all the
   * comparison's runs pooled) held against the measurement; absent in a compare.json older versions wrote.
   */
  prediction?: StalenessPrediction | null;
  /** Where the measurement departs from the WARS prediction and why (or, without one, from the closed form). */
  departure: string;
  /** Where the measured k = 1 departs from the closed form, and what the run's stale reads blame. */
  closedForm: string;
  highlights: string[];
  /** Each check (stats left out) in the pages' words; absent in a compare.json older versions wrote. */
  checks?: CheckWords[];
  /** Share of reads, and of writes and cas, ok among those through a node cut off from a majority by a partition; null: none such. */
  minorityAvailability?: { read: number | null; write: number | null };
  /** Seconds with no leader, and with two leaders (in one term, for a system with terms); null: no election check. */
  noLeaderS?: number | null;
  splitBrainS?: number | null;
}

/** A setting that was not run (`--predict`): PBS's prediction from the latencies the runs measured, pooled. */
export interface PredictedRow {
  text: string;
  /** N/R/W spelled out, like a run's label. */
  label: string;
  /** The prediction, or null and `unavailable` says why. */
  predicted: PredictedStaleness | null;
  unavailable: string | null;
  /** PBS's closed form per k (k = 1..5). */
  kClosedForm: number[];
}

function share(o: { count: number; ok: number } | undefined): number | null {
  return o && o.count > 0 ? o.ok / o.count : null;
}

/** The comparison line of one finished run. Pure. */
export function compareRow(input: {
  text: string;
  folder: string;
  settings: RunSettings;
  system: SystemDescription;
  history: readonly HistoryOp[];
  results: RunResults;
  prediction?: StalenessPrediction | null;
}): CompareRow {
  const { settings: s, results, system } = input;
  const pairs = pairsOf(input.history);
  const stats = results.checks['stats'] as unknown as { byF?: Record<string, { count: number; ok: number }>; total?: { latencyMs: { p50: number; p99: number } | null } } | undefined;
  const stale = results.checks['stale-reads'];
  const lin = results.checks['linearizable'];
  const lost = results.checks['lost-writes'];
  const k = kStaleness(pairs);
  const q = system.quorums;
  const kPredicted = [1, 2, 3, 4, 5].map((i) => (q ? pbsKStaleness(q.N, q.R, q.W, i) : null));
  const readsChecked = typeof stale?.['readsChecked'] === 'number' ? stale['readsChecked'] : 0;
  const election = results.checks['election'];
  const seconds = (x: unknown) => (election?.applicable && typeof x === 'number' ? x : null);
  const faults = faultsOf(input.history);
  const minority = (fs: string[]) => share(availabilityBySide(pairs.filter((p) => fs.includes(p.f)), faults, nodeIds(s.nodes)).minority);
  const closedForm = departure(stale?.anomalies ?? [], k.share[0]!, kPredicted[0] ?? null, k.reads);
  return {
    text: input.text,
    label: system.title,
    folder: input.folder,
    settings: s,
    valid: results.valid,
    readAvailability: share(stats?.byF?.['read']),
    writeAvailability: share(stats?.byF?.['write']),
    p50: stats?.total?.latencyMs?.p50 ?? null,
    p99: stats?.total?.latencyMs?.p99 ?? null,
    staleReads: stale?.count ?? 0,
    readsChecked,
    staleRate: readsChecked > 0 ? (stale?.count ?? 0) / readsChecked : null,
    linearizable: lin
      ? { valid: lin.valid, count: lin.count, promised: lin.promised, keys: Object.keys((lin['keys'] ?? {}) as object).length, decided: !isUndecided(lin) }
      : null,
    lostWrites: lost?.count ?? 0,
    lostChecked: typeof lost?.['checked'] === 'number' ? lost['checked'] : null,
    lostPromised: lost?.promised ?? false,
    kMeasured: k.share,
    kReads: k.reads,
    kPredicted,
    tVisibility: tVisibility(pairs).buckets,
    prediction: input.prediction ?? null,
    departure: sentenceOf(input.prediction ?? null, closedForm),
    closedForm,
    highlights: results.highlights,
    minorityAvailability: { read: minority(['read']), write: minority(['write', 'cas']) },
    noLeaderS: seconds(election?.['noLeaderS']),
    splitBrainS: seconds(election?.['splitBrainS']),
    checks: Object.entries(results.checks)
      .filter(([name]) => name !== 'stats')
      .map(([check, c]) => ({ check, promised: promisedWords(c), found: foundWords(c), verdict: outcomeWords(c), outcome: outcomeOf(c) })),
  };
}

/** The row with another prediction (a comparison's pool grows run by run). */
export function withPrediction(row: CompareRow, prediction: StalenessPrediction): CompareRow {
  return { ...row, prediction, departure: sentenceOf(prediction, row.closedForm) };
}

/** The WARS sentence when there is a prediction; else why there is none, then the closed form's. */
function sentenceOf(prediction: StalenessPrediction | null, closedForm: string): string {
  if (prediction?.predicted) return `${prediction.departure} ${prediction.kDeparture}`;
  return prediction ? `${prediction.departure} ${closedForm}` : closedForm;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

/**
 * One sentence on where the measured share of fresh reads (k = 1) departs from PBS's closed form, and
 * what the run's own stale reads say caused it. The closed form is the worst case of a strict quorum
 * whose write reached exactly W replicas when acknowledged: a system that sends each write to all N
 * replicas and repairs on read is usually fresher; sloppy replica sets, forgetful replicas and
 * partitions can make it staler.
 */
export function departure(staleReads: readonly Anomaly[], measured: number, predicted: number | null, reads: number): string {
  if (reads === 0) return 'No read followed an acknowledged write, so there is nothing to measure.';
  if (predicted === null) return `Fresh reads (k = 1): ${pct(measured)} of ${reads} reads measured; PBS predicts only for quorum systems (N/R/W).`;
  const head = `Fresh reads (k = 1): ${pct(measured)} of ${reads} reads measured, ${pct(predicted)} predicted by PBS's closed form`;
  const diff = measured - predicted;
  if (Math.abs(diff) < 0.05) return `${head}: within 5 points of the prediction.`;
  if (diff > 0) return `${head}: fresher than predicted, since the closed form assumes a write reaches exactly W replicas, while the other replicas usually get it a few ms later (and read repair mends those a read finds stale).`;
  const byCause = new Map<string, number>();
  for (const a of staleReads) byCause.set(String(a['cause'] ?? 'unexplained'), (byCause.get(String(a['cause'] ?? 'unexplained')) ?? 0) + 1);
  const causes = [...byCause.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} (${n})`);
  return causes.length > 0
    ? `${head}: staler than predicted; the run's stale reads by cause: ${causes.join(', ')}.`
    : `${head}: staler than predicted, though no stale read was listed: read the run's report.`;
}

/** 0 unless a setting broke a promise its settings make (1); 3 when some setting was undecided and none broken. */
export function compareExitCode(rows: readonly Pick<CompareRow, 'valid'>[]): number {
  if (rows.some((r) => r.valid === false)) return 1;
  if (rows.some((r) => r.valid === 'unknown')) return 3;
  return 0;
}

/** A check's cell: what it counted, then its verdict ("152 of 728 (20.9%), found, allowed"); older rows say what they can. */
function checkText(r: CompareRow, check: string, counted: string): string {
  const c = r.checks?.find((x) => x.check === check);
  if (!c) return counted;
  return c.found === 'undecided' || c.found === '–' ? c.verdict : `${counted}, ${c.verdict}`;
}

/** The same in HTML: the count, then the verdict as the report draws it. */
function checkCell(r: CompareRow, check: string, counted: string): string {
  const c = r.checks?.find((x) => x.check === check);
  if (!c) return esc(counted);
  const badge = `<span class="verdict ${OUTCOME_CLASS[c.outcome]}">${esc(c.verdict)}</span>`;
  return c.found === 'undecided' || c.found === '–' ? badge : `${esc(counted)}<br>${badge}`;
}

/** What the linearizability check counted: keys that failed (older rows: their words). */
function linCount(r: CompareRow): string {
  const l = r.linearizable;
  if (!l) return '–';
  if (!r.checks) return !l.decided ? 'undecided' : l.count === 0 ? 'yes' : `no (${l.count} key${l.count === 1 ? '' : 's'})${l.promised ? ' BROKEN' : ''}`;
  return `${l.count} of ${l.keys} keys`;
}

/** The run's verdict, in the report's words. */
function verdictText(v: Verdict): string {
  return runVerdictWords(v);
}

function verdictClass(v: Verdict): string {
  return v === true ? 'kept' : v === false ? 'broken' : 'unknown';
}

function ms(x: number | null): string {
  return x === null ? '–' : x.toFixed(1);
}

/** k = 1 as measured (of how many reads), as WARS predicts it, and the closed form's bound: "93.5% of 692 / 94.1% / 33.3%". */
function freshText(measured: number | null | undefined, wars: number | null | undefined, closed: number | null | undefined, reads?: number): string {
  return `${pct(measured)}${reads !== undefined && measured !== null && measured !== undefined ? ` of ${reads}` : ''} / ${pct(wars)} / ${pct(closed)}`;
}

/** "152 of 728 (20.9%)": stale reads of the ok reads the check looked at. */
function staleText(r: CompareRow): string {
  return `${r.staleReads} of ${r.readsChecked} (${pct(r.staleRate)})`;
}

/** "1 of 685": lost writes of the acknowledged writes held against the final reads. */
function lostText(r: CompareRow): string {
  return typeof r.lostChecked === 'number' ? `${r.lostWrites} of ${r.lostChecked}` : String(r.lostWrites);
}

/**
 * Why the stale share and the fresh share do not add up to 100 %: they count different reads. Over
 * the reads the k = 1 share counts, the stale ones are the rest.
 */
function denominatorsText(r: CompareRow): string {
  const k1 = r.kMeasured[0];
  if (r.kReads === 0 || k1 === undefined) return `${r.staleReads} stale of ${r.readsChecked} ok reads; no read followed an acknowledged write.`;
  return `${r.staleReads} stale of all ${r.readsChecked} ok reads (final reads too); of the ${r.kReads} reads of the main phase that followed an acknowledged write of their key, ${pct(k1)} fresh and ${pct(1 - k1)} stale.`;
}

/** The table `godist compare` prints; predicted-only rows (--predict) after the runs. */
function minorityText(r: CompareRow): string {
  const m = r.minorityAvailability;
  return m ? `${pct(m.read)} / ${pct(m.write)}` : '–';
}

function secondsText(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : x.toFixed(2);
}

export function formatCompareTable(rows: readonly CompareRow[], predicted: readonly PredictedRow[] = []): string {
  const header = ['setting', 'reads ok (of all)', 'writes ok (of all)', 'p50 ms', 'p99 ms', 'stale (of ok reads)', 'linearizable (keys failed)', 'lost (of acked)', 'minority r/w ok', 'leaderless s', 'split brain s', 'fresh k=1 (of reads after a write): measured / WARS / bound', 'verdict'];
  const cells = [
    ...rows.map((r) => [
      r.label,
      pct(r.readAvailability),
      pct(r.writeAvailability),
      ms(r.p50),
      ms(r.p99),
      checkText(r, 'stale-reads', staleText(r)),
      checkText(r, 'linearizable', linCount(r)),
      r.checks ? checkText(r, 'lost-writes', lostText(r)) : `${lostText(r)}${r.lostWrites > 0 && r.lostPromised ? ' BROKEN' : ''}`,
      minorityText(r),
      secondsText(r.noLeaderS),
      secondsText(r.splitBrainS),
      freshText(r.kMeasured[0], r.prediction?.predicted?.kStaleness[0], r.kPredicted[0], r.kReads),
      verdictText(r.valid),
    ]),
    ...predicted.map((p) => [`${p.label} (predicted)`, '–', '–', '–', '–', '–', '–', '–', '–', '–', '–', freshText(null, p.predicted?.kStaleness[0], p.kClosedForm[0]), 'not run']),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    line(header),
    ...cells.map(line),
    '',
    ...rows.map((r) => `${r.label}: ${r.departure}`),
    ...predicted.map((p) => `${p.label} (predicted): ${predictedSentence(p)}`),
    '',
  ].join('\n');
}

/** What a predicted-only row rests on, or why it has no prediction. */
export function predictedSentence(p: PredictedRow): string {
  if (!p.predicted) return `No WARS prediction: ${p.unavailable ?? 'none was made'}.`;
  return `Not run: predicted from ${p.predicted.from}; ${pct(p.predicted.kStaleness[0])} of reads fresh (k = 1), ${pct(p.predicted.tVisibility[0]?.p)} of reads begun ${p.predicted.tVisibility[0]?.fromMs ?? 0}–${p.predicted.tVisibility[0]?.toMs ?? 1} ms after an acknowledgement see it.`;
}

export interface CompareInput {
  command: string;
  startedAt: string;
  base: RunSettings;
  rows: CompareRow[];
  /** Settings that were not run, predicted from the runs' latencies (`--predict`); absent in older compare.json. */
  predicted?: PredictedRow[];
}

/** One line of compare.html's charts: a run (measured and predicted) or a setting predicted only. */
export interface CompareSeries {
  label: string;
  /** A run's folder (relative), null for a predicted-only setting. */
  folder: string | null;
  departure: string;
  highlights: string[];
  /** Measured t-visibility per bucket and k-staleness (k = 1..5); null for a predicted-only setting. */
  tMeasured: (number | null)[] | null;
  kMeasured: number[] | null;
  /** The WARS prediction; null when there is none. */
  tWars: number[] | null;
  kWars: number[] | null;
  /** Each check in the pages' words, with its verdict's CSS class; empty for a predicted-only setting. */
  checks: (CheckWords & { cls: string })[];
}

/** What compare.html's script (browser/compare.js) draws from. */
export interface CompareData {
  /** The t-visibility buckets every series is given in. */
  buckets: { fromMs: number; toMs: number }[];
  rows: CompareSeries[];
  colours: string[];
}

function compareData(rows: readonly CompareRow[], predicted: readonly PredictedRow[]): CompareData {
  const buckets = (rows[0]?.tVisibility ?? predicted.find((p) => p.predicted)?.predicted?.tVisibility ?? []).map((b) => ({ fromMs: b.fromMs, toMs: b.toMs }));
  return {
    buckets,
    rows: [
      ...rows.map((r) => ({
        label: r.label,
        folder: r.folder,
        departure: r.departure,
        highlights: r.highlights,
        tMeasured: r.tVisibility.map((b) => b.p),
        kMeasured: r.kMeasured,
        tWars: r.prediction?.predicted?.tVisibility.map((b) => b.p) ?? null,
        kWars: r.prediction?.predicted?.kStaleness ?? null,
        checks: (r.checks ?? []).map((c) => ({ ...c, cls: OUTCOME_CLASS[c.outcome] })),
      })),
      ...predicted.map((p) => ({
        label: p.label,
        folder: null,
        departure: predictedSentence(p),
        highlights: [],
        tMeasured: null,
        kMeasured: null,
        tWars: p.predicted?.tVisibility.map((b) => b.p) ?? null,
        kWars: p.predicted?.kStaleness ?? null,
        checks: [],
      })),
    ],
    colours: SERIES_COLOURS,
  };
}

const SERIES_COLOURS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'];

function swatch(i: number): string {
  return `<i class="swatch" style="background:${SERIES_COLOURS[i % SERIES_COLOURS.length]}"></i>`;
}

const COMPARE_CSS = `
td.setting { white-space: nowrap; }
#k-table tr.first td { border-top: 1px solid #9ca3af; }
tr.predicted td { color: #4b5563; }
tr.predicted em { font-style: italic; color: #7c3aed; }
`;

/** compare.html: the settings side by side. Pure. */
export function buildCompare(input: CompareInput): string {
  const { rows, base } = input;
  const predicted = input.predicted ?? [];
  const faults = base.nemesis.length > 0 ? base.nemesis.join(', ') : 'no faults';
  const table = rows
    .map((r, i) => {
      const v = verdictClass(r.valid);
      return (
        `<tr class="clickable" data-row="${i}"><td>${swatch(i)}<b>${esc(r.label)}</b></td>` +
        `<td class="num">${pct(r.readAvailability)}</td><td class="num">${pct(r.writeAvailability)}</td><td class="num">${ms(r.p50)}</td><td class="num">${ms(r.p99)}</td>` +
        `<td class="num" title="${esc(denominatorsText(r))}">${checkCell(r, 'stale-reads', staleText(r))}</td><td class="num">${checkCell(r, 'linearizable', linCount(r))}</td><td class="num">${checkCell(r, 'lost-writes', lostText(r))}</td>` +
        `<td class="num">${minorityText(r)}</td><td class="num">${secondsText(r.noLeaderS)}</td><td class="num">${secondsText(r.splitBrainS)}</td>` +
        `<td class="num">${freshText(r.kMeasured[0], r.prediction?.predicted?.kStaleness[0], r.kPredicted[0], r.kReads)}</td><td><span class="verdict ${v}">${esc(verdictText(r.valid))}</span></td>` +
        `<td><a href="${esc(encodeURI(`${r.folder}/report.html`))}">report</a></td></tr>`
      );
    })
    .concat(
      predicted.map(
        (p, j) =>
          `<tr class="clickable predicted" data-row="${rows.length + j}"><td>${swatch(rows.length + j)}<b>${esc(p.label)}</b> <em>predicted</em></td>` +
          `<td colspan="10" class="muted">not run: predicted from the runs' latencies</td>` +
          `<td class="num">${freshText(null, p.predicted?.kStaleness[0], p.kClosedForm[0])}</td><td class="muted">not run</td><td></td></tr>`,
      ),
    )
    .join('\n');
  // Per setting three rows (measured, WARS, bound) under five narrow k columns: laid side by side the
  // three numbers make the table wider than a laptop's screen.
  const kRows = (swatchAt: number, label: string, measured: readonly (number | null)[] | null, reads: number | null, wars: readonly number[] | null | undefined, closed: readonly (number | null)[], cls: string) => {
    const cells = (xs: readonly (number | null)[] | null | undefined) => [0, 1, 2, 3, 4].map((k) => `<td class="num">${pct(xs?.[k])}</td>`).join('');
    const lines: [string, readonly (number | null)[] | null | undefined][] = [
      [reads === null ? 'measured: not run' : `measured, of ${reads} reads`, measured],
      ['WARS prediction', wars],
      ['closed form (bound)', closed],
    ];
    return lines
      .map(([what, xs], i) => `<tr class="${cls}${i === 0 ? ' first' : ''}">${i === 0 ? `<td class="setting" rowspan="3">${swatch(swatchAt)}${label}</td>` : ''}<td class="muted">${what}</td>${cells(xs)}</tr>`)
      .join('');
  };
  const kTable =
    rows.map((r, i) => kRows(i, esc(r.label), r.kMeasured, r.kReads, r.prediction?.predicted?.kStaleness, r.kPredicted, '')).join('') +
    predicted.map((p, j) => kRows(rows.length + j, `${esc(p.label)} <em>predicted</em>`, null, null, p.predicted?.kStaleness, p.kClosedForm, 'predicted')).join('');
  const body = [
    `<header><h1>godist compare · ${esc(base.workload)} · ${esc(faults)}</h1><div class="muted">${rows.length} settings, one after another, with the same workload, seed ${base.seed} and fault schedule${predicted.length > 0 ? `, and ${predicted.length} more predicted from their latencies` : ''} · started ${esc(input.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</div></header>`,
    '<section id="summary"><h2>Side by side</h2>',
    `<pre>${esc(input.command)}</pre>`,
    '<table id="compare"><tr><th>setting</th><th class="num">reads ok<br><span class="muted">of all reads</span></th><th class="num">writes ok<br><span class="muted">of all writes</span></th>' +
      '<th class="num">p50 ms</th><th class="num">p99 ms</th><th class="num">stale reads<br><span class="muted">of ok reads</span></th><th class="num">linearizable<br><span class="muted">keys that failed</span></th><th class="num">lost writes<br><span class="muted">of acknowledged</span></th>' +
      '<th class="num" title="reads, and writes, ok through a node cut off from a majority by a partition (isolate, halves)">minority side<br><span class="muted">reads / writes ok</span></th><th class="num">leaderless s</th><th class="num" title="two leaders at once (in one term, for a system with terms)">split brain s</th>' +
      '<th class="num">fresh reads (k = 1)<br><span class="muted">of reads after a write: measured / WARS / bound</span></th><th>verdict</th><th></th></tr>',
    table,
    '</table>',
    `<p class="help" id="denominators">The stale and fresh shares count different reads, so they need not add up to 100%: stale reads are of every ok read, final reads included; fresh reads (k = 1) are of the main phase's ok reads that followed an acknowledged write of their key (a read before any write cannot be stale), and over those, stale and fresh do add up${
      rows[0] && rows[0].kReads > 0 ? ` (${esc(rows[0].label)}: ${esc(denominatorsText(rows[0]).replace(/\.$/, ''))})` : ''
    }. Lost writes are of the acknowledged writes held against the final reads.</p>`,
    '<div class="help">Click a setting for what its run found and where its staleness departs from PBS\'s prediction.</div>',
    '<div id="row-detail" class="panel" data-empty="Click a setting above."></div>',
    '</section>',
    '<section id="staleness"><h2>Staleness: measured, and as PBS predicts it</h2>',
    '<p class="help">t-visibility: the probability that a read beginning t ms after a write was acknowledged sees that write or a newer one; measured (solid, dots) against the WARS prediction (dashed, the same colour), PBS\'s Monte Carlo over the latencies each run measured outside fault windows (docs/staleness.md). A setting marked <em>predicted</em> was not run: its line is predicted from the latencies of the runs, pooled.</p>',
    '<div id="t-visibility" class="chart"></div>',
    '<p class="help">k-staleness: the share of reads that returned one of the k newest acknowledged versions, measured (solid) against the WARS prediction (dashed). The table adds PBS\'s closed form for a strict quorum, 1 − (C(N−W, R) / C(N, R))^k: a bound (a write reaching exactly W replicas), not a prediction, for a system that sends every write to all N.</p>',
    '<div id="k-staleness" class="chart"></div>',
    `<table id="k-table"><tr><th>setting</th><th></th>${[1, 2, 3, 4, 5].map((k) => `<th class="num">k = ${k}</th>`).join('')}</tr>${kTable}</table>`,
    `<ul id="departures">${rows.map((r) => `<li><b>${esc(r.label)}</b>: ${esc(r.departure)}</li>`).join('')}${predicted.map((p) => `<li><b>${esc(p.label)}</b> <em>predicted</em>: ${esc(predictedSentence(p))}</li>`).join('')}</ul>`,
    '</section>',
    `<script type="application/json" id="compare-data">${scriptJson(compareData(rows, predicted))}</script>`,
  ].join('\n');
  return page({ title: `godist compare — ${base.workload}`, head: '<link rel="icon" href="data:,">', css: COMPARE_CSS, body, scripts: [browserScript('chart-helpers') + browserScript('compare')] });
}
