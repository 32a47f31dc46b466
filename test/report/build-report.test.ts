import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildReports } from '../../harness/cli/report.js';
import { pairOps } from '../../harness/history/pairs.js';
import { buildReport, writeReport } from '../../harness/report/build-report.js';
import { compareSettings } from '../../harness/run/compare-settings.js';
import { readRunFolder } from '../../harness/run/folder.js';
import { scanResults, writeIndex } from '../../harness/run/results-index.js';
import { describeRun, systemOf } from '../../harness/run/run-settings.js';
import { runStaleness } from '../../harness/run/predict-staleness.js';
import { holdAgainstPrediction } from '../../harness/checks/staleness-prediction.js';
import { outcomeOf } from '../../harness/checks/result.js';
import { foundWords, outcomeWords, promisedWords, runVerdictWords } from '../../harness/checks/words.js';
import { tVisibility } from '../../harness/checks/staleness.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { compareExitCode, compareRow, departure, formatCompareTable, buildCompare, withPrediction, type CompareData, type PredictedRow } from '../../harness/report/compare-page.js';
import { buildIndex } from '../../harness/report/index-page.js';
import { linearizationDiagram } from '../../harness/report/linearization-diagram.js';
import { reportData, type ReportData } from '../../harness/report/report-data.js';
import { runChecks } from '../../harness/checks/run-checks.js';
import type { RunSettings } from '../../harness/run/settings.js';
import { settingsOf } from '../run/settings-of.js';
import { UsageError } from '../../harness/shared/usage-error.js';
import { historyOf } from '../history/history-builder.js';

const settings: RunSettings = settingsOf({ nodes: 3, N: 3, R: 1, W: 1, nemesis: ['partition'], concurrency: 3, keys: 2, timeLimit: 1 });

/** A small run with a stale read (also not linearizable), a partition window and a failed write. */
async function syntheticRun() {
  const history = historyOf((h) => {
    h.op(0, 'write', 'k1', 1, 0, 10, 'ok', { node: 'node-1' });
    h.op(1, 'write', 'k1', 2, 20, 30, 'ok', { node: 'node-2' });
    h.nemesis('partition', 35, { description: 'isolate node-3', nodes: ['node-3'] });
    h.op(2, 'read', 'k1', 1, 40, 45, 'ok', { node: 'node-3' });
    h.op(0, 'write', 'k2', 3, 50, 400, 'fail', { node: 'node-3' });
    h.op(1, 'read', 'k2', null, 60, 70, 'ok', { node: 'node-1' });
    h.nemesis('heal', 500, {});
    h.op(2, 'read', 'k1', 2, 600, 610, 'ok', { node: 'node-1', final: true });
  });
  const results = await runChecks(history, settings, { system: systemOf(settings) });
  const run = { tool: 'godist', version: '0.1.0', command: 'npx godist run --nodes 3 -N 3 -R 1 -W 1 --seed 7', startedAt: '2026-01-01T00:00:00.000Z', node: 'v20', settings };
  return { run, settings, system: describeRun(settings), history, results, prediction: runStaleness(settings, history).prediction };
}

function undelta(xs: number[]): number[] {
  let acc = 0;
  return xs.map((d) => (acc += d));
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'godist-report-'));
  dirs.push(d);
  return d;
}

describe('report data', () => {
  it('embeds ops as columns: delta-encoded µs starts, durations, outcomes, and marks the anomalous ops', async () => {
    const input = await syntheticRun();
    const data = reportData(input);
    expect(undelta(data.ops.s)).toEqual([0, 20_000, 40_000, 50_000, 60_000, 600_000]);
    expect(undelta(data.ops.i)).toEqual(pairOps(input.history).map((p) => p.index));
    expect(data.ops.d).toEqual([10_000, 10_000, 5_000, 350_000, 10_000, 10_000]);
    expect(data.ops.t).toEqual([0, 0, 0, 1, 0, 0]);
    expect(data.ops.lane).toEqual([0, 1, 2, 0, 1, 2]);
    expect(data.ops.x[5]! & 1).toBe(1); // final read
    const stale = data.anomalies.find((a) => a.type === 'stale-read')!;
    expect(stale.explanation).toMatch(/k1/);
    const staleOp = undelta(data.ops.i).indexOf(stale.index);
    expect(data.ops.x[staleOp]! & 2).toBe(2);
    expect(data.faults).toEqual([{ kind: 'partition', start: 0.035, end: 0.5, description: 'isolate node-3', nodes: ['node-3'] }]);
    expect(data.staleness.predicted![0]).toBeCloseTo(1 / 3);
  });
});

describe('latency quantiles', () => {
  it('a quantile is drawn only where its bucket has the ops to tell it from the maximum (p95: 20, p99: 100, max: 2)', () => {
    // One bucket of 30 reads with latencies 1..30 ms (by nearest rank: p50 15, p95 29), one of a single read.
    const history = historyOf((h) => {
      for (let i = 1; i <= 30; i++) h.op(i, 'read', 'k', null, 0, i);
      h.op(99, 'read', 'k', null, 2000, 2005);
    });
    const perf = reportData({ run: {}, history, results: null }).perf;
    const at = (b: number) => Object.fromEntries(Object.entries(perf.latency['read']!).map(([q, xs]) => [q, xs[b]]));
    expect(at(0)).toEqual({ p50: 15, p95: 29, p99: null, max: 30 });
    expect(at(perf.t.length - 1)).toEqual({ p50: 5, p95: null, p99: null, max: null });
  });
});

describe('report.html', () => {
  it('is one self-contained page: no external script, style or link, the data inline and safe', async () => {
    const html = buildReport((await syntheticRun()));
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).toContain('uPlot');
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json).ops.t).toHaveLength(6);
  });

  it('shows the verdicts, the reproduce command, each anomaly with its explanation, and the failing key drawn', async () => {
    const input = await syntheticRun();
    const html = buildReport(input);
    expect(html).toContain('npx godist run --nodes 3 -N 3 -R 1 -W 1 --seed 7');
    expect(html).toMatch(/<td>no<\/td><td class="num">1<\/td><td><span class="verdict allowed">found, allowed<\/span>/);
    for (const check of ['stale-reads', 'linearizable']) {
      const a = input.results.checks[check]!.anomalies[0]!;
      expect(html).toContain(a.explanation.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    }
    expect(html).toMatch(/<svg class="linearization"/);
    expect(html).toMatch(/<p class="worked-example">.*<a href="#timeline" data-anomaly="\d+">show in timeline<\/a><\/p>/);
    expect(html).toContain('id="k-staleness"');
  });

  it('escapes values a history may carry', async () => {
    const input = await syntheticRun();
    input.run.command = 'npx godist run </script><script>alert(1)</script>';
    const html = buildReport(input);
    expect(html).not.toContain('<script>alert(1)');
  });

  it('lists the first 50 rows of a long anomaly table and offers the rest', async () => {
    const input = await syntheticRun();
    const stale = input.results.checks['stale-reads']!;
    stale.anomalies = Array.from({ length: 60 }, () => stale.anomalies[0]!);
    stale.count = 60;
    const html = buildReport(input);
    expect(html.match(/<tr class="clickable" data-anomaly="\d+"><td class="num">[^<]*<\/td><td><code>k1<\/code><\/td><td class="node">node-3/g)).toHaveLength(50);
    expect(html).toMatch(/<button class="more-rows" data-check="stale-reads" data-cause="quorums-need-not-overlap" data-table="stale-reads--quorums-need-not-overlap" data-shown="50">show all 60<\/button>/);
  });

  it('groups stale reads by cause, largest first, each with its count, its first as a worked example, and the rest collapsed', async () => {
    const input = await syntheticRun();
    const stale = input.results.checks['stale-reads']!;
    const first = stale.anomalies[0]!;
    const of = (cause: string, i: number) => ({ ...first, cause, explanation: `${cause} example ${i}` });
    stale.anomalies = [of('replica-set-moved', 0), ...[1, 2, 3, 4, 5].map((i) => of('amnesia', i)), of('replica-set-moved', 6)];
    stale.count = 7;
    const html = buildReport(input);
    expect(html).toContain('7 stale reads, by cause: amnesia 5, replica set moved 2.');
    const groups = [...html.matchAll(/<div class="cause-group" data-check="stale-reads" data-cause="([^"]+)">\n<h4>([^<]+) <span class="count">([^<]+)<\/span><\/h4>\n<p class="worked-example"><span class="muted">[^<]*<\/span> ([^<]*) <a href="#timeline" data-anomaly="(\d+)">/g)].map((m) => m.slice(1));
    const at = (explanation: string) => String(reportData(input).anomalies.findIndex((a) => a.explanation === explanation));
    expect(groups).toEqual([
      ['amnesia', 'amnesia', '5 stale reads', 'amnesia example 1', at('amnesia example 1')],
      ['replica-set-moved', 'replica set moved', '2 stale reads', 'replica-set-moved example 0', at('replica-set-moved example 0')],
    ]);
    // Five rows are collapsed behind a summary; two are shown as they are.
    expect(html).toContain('<details><summary>all 5 stale reads of this cause</summary><table id="stale-reads--amnesia">');
    expect(html).toContain('show in timeline</a></p>\n<table id="stale-reads--replica-set-moved">');
    expect(html).not.toContain('<details><summary>all 2 stale reads');
    expect(html.match(/<table id="stale-reads--amnesia">.*?<\/table>/s)![0]!.match(/<tr class="clickable"/g)).toHaveLength(5);
  });

  it('says what each timing column counts from, and keeps numbers and node names on one line', async () => {
    const input = await syntheticRun();
    const stale = input.results.checks['stale-reads']!;
    stale.anomalies = [stale.anomalies[0]!, stale.anomalies[0]!];
    const html = buildReport(input);
    expect(html).toContain(`title="t-visibility: ms from the acknowledgement of the oldest write the read missed to the read's start">ms after oldest missed ack</th>`);
    expect(html).toContain('The explanation counts from the newest write it missed');
    expect(html).toContain(`title="when the read began, in s since the run began (the timeline's clock)">read began</th>`);
    expect(html).toMatch(/td\.num \{ white-space: nowrap; \}/);
    expect(html).toMatch(/td\.node, td code \{ white-space: nowrap; \}/);
  });

  it('builds without results.json (a crashed run) and says so', async () => {
    const { run, settings, system, history } = await syntheticRun();
    const html = buildReport({ run, settings, system, history, results: null });
    expect(html).toContain('No verdict yet: the run ended before its checks');
  });

  it('a run folder read back gives the same report as the run had in hand; a folder without a history, or with a torn results.json, is a usage error', async () => {
    const dir = tempDir();
    const input = await syntheticRun();
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify(input.run));
    writeFileSync(path.join(dir, 'history.jsonl'), input.history.map((o) => JSON.stringify(o)).join('\n') + '\n');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(input.results));
    const file = writeReport(dir, readRunFolder(dir));
    expect(readFileSync(file, 'utf8')).toBe(buildReport(input));
    expect(() => readRunFolder(tempDir())).toThrow(UsageError);
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(input.results).slice(0, 40));
    expect(() => readRunFolder(dir)).toThrow(/results\.json: not JSON/);
    expect(() => readRunFolder(dir)).toThrow(UsageError);
  });

  it('reads a run folder an older version wrote (godist settings beside the harness settings in run.json)', async () => {
    const dir = tempDir();
    const { run, history, results } = await syntheticRun();
    const { system, ...harness } = run.settings;
    const flat = { ...harness, ...system, name: undefined };
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...run, settings: flat }));
    writeFileSync(path.join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ ...results, settings: flat }));
    const folder = readRunFolder(dir);
    expect(folder.settings).toEqual(settings);
    expect(buildReport(folder)).toContain('3 / 1 / 1 (R + W ≤ N)');
  });
});

describe('the WARS prediction in report.html', () => {
  /** A prediction that says p in every bucket, held against the synthetic run's measurement. */
  function predictedAt(input: Awaited<ReturnType<typeof syntheticRun>>, p: number) {
    const pairs = pairOps(input.history);
    const measured = tVisibility(pairs);
    const predicted = {
      setting: { N: 3, R: 1, W: 1, nodes: 3 },
      from: "this run's latencies outside fault windows (9 writes and 9 reads timed)",
      legs: 'inbox' as const,
      trials: 100,
      seed: 1,
      tVisibility: measured.buckets.map((b) => ({ fromMs: b.fromMs, toMs: b.toMs, p })),
      kStaleness: [p, 0.9876, 1, 1, 1],
      assumed: [],
    };
    return holdAgainstPrediction({ pairs, faults: faultSpans(input.history), measured, predicted });
  }

  it('sets the prediction beside the measurement, with the closed form labelled as a bound and the departure sentence', async () => {
    const input = await syntheticRun();
    const prediction = predictedAt(input, 0.75);
    const data = reportData({ ...input, prediction });
    expect(data.staleness.wars).toEqual({ tVisibility: prediction.predicted!.tVisibility.map((b) => b.p), kStaleness: [0.75, 0.9876, 1, 1, 1] });
    expect(data.staleness.quiet).toEqual(prediction.quiet!.buckets.map((b) => b.p));
    const html = buildReport({ ...input, prediction });
    expect(html).toMatch(/<tr><td>WARS prediction<\/td><td class="num">75\.0%<\/td><td class="num">98\.8%<\/td>/);
    expect(html).toContain('<td class="muted">closed form (bound)</td><td class="num muted">33.3%</td>');
    expect(html).toContain(`<p id="prediction-departure" class="departure">${prediction.departure}</p>`);
    expect(prediction.kDeparture).toMatch(/^Too few reads followed an acknowledged write of their key \(\d+\)/);
    expect(html).toContain(`<p id="k-departure" class="departure">${prediction.kDeparture}</p>`);
    expect(html).toContain("PBS's Monte Carlo over this run&#39;s latencies outside fault windows (9 writes and 9 reads timed)");
  });

  it('without a prediction, says why (or that none was made)', async () => {
    const input = await syntheticRun();
    expect(input.prediction.predicted).toBeNull(); // the synthetic history has no replica timings
    expect(buildReport(input)).toContain(`No WARS prediction: ${input.prediction.unavailable!.replace(/'/g, '&#39;')}`);
    expect(buildReport({ ...input, prediction: null })).toContain('No WARS prediction: this page was built without one.');
    expect(reportData({ ...input, prediction: null }).staleness.wars).toBeNull();
  });
});

describe('godist report PATH', () => {
  it('rebuilds a run folder\'s report, a results folder\'s index, and refuses a path that does not exist', async () => {
    const root = tempDir();
    const dir = path.join(root, 'run-1');
    mkdirSync(dir);
    const { run, history, results } = await syntheticRun();
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify(run));
    writeFileSync(path.join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results));
    expect(rebuildReports(dir)).toEqual([path.join(dir, 'report.html')]);
    expect(rebuildReports(root)).toEqual([path.join(root, 'index.html')]);
    expect(readFileSync(path.join(root, 'index.html'), 'utf8')).toContain('href="run-1/report.html"');
    expect(() => rebuildReports(path.join(root, 'nope'))).toThrow(UsageError);
  });
});

describe('linearization diagram', () => {
  it('numbers the longest linearization and marks the op that could not be placed', async () => {
    const { history } = await syntheticRun();
    const pairs = pairOps(history);
    const [w1, w2, r] = pairs;
    const svg = linearizationDiagram({ key: 'k1', longest: [w1!.index, w2!.index], couldNotPlace: [r!.index], stateAfter: 2 }, pairs);
    expect(svg).toMatch(/>1<\/text>/);
    expect(svg).toMatch(/>2<\/text>/);
    expect(svg).toContain('✕');
    expect(svg).toContain('could not be placed');
  });
});

describe('results index', () => {
  it('lists every run and comparison, newest first, with its verdict and a relative link', async () => {
    const root = tempDir();
    const { run, results } = await syntheticRun();
    for (const [name, startedAt, valid] of [['a-run', '2026-01-01T00:00:00Z', true], ['b-run', '2026-01-02T00:00:00Z', false]] as const) {
      mkdirSync(path.join(root, name));
      writeFileSync(path.join(root, name, 'run.json'), JSON.stringify({ ...run, startedAt }));
      writeFileSync(path.join(root, name, 'results.json'), JSON.stringify({ ...results, valid }));
      writeFileSync(path.join(root, name, 'report.html'), '');
    }
    mkdirSync(path.join(root, 'c-compare'));
    writeFileSync(
      path.join(root, 'c-compare', 'compare.json'),
      JSON.stringify({
        startedAt: '2026-01-03T00:00:00Z',
        base: settings,
        rows: [
          { text: '3/1/1', valid: true, staleReads: 3, lostWrites: 0, linearizable: { count: 2, decided: true } },
          { text: '3/2/2', valid: true, staleReads: 0, lostWrites: 0, linearizable: { count: 0, decided: false } },
          { text: '3/3/3', valid: true, staleReads: 0, lostWrites: 0, linearizable: { count: 0, decided: true } },
        ],
      }),
    );
    mkdirSync(path.join(root, 'd-torn'));
    writeFileSync(path.join(root, 'd-torn', 'run.json'), '{"settings": {');
    const entries = scanResults(root);
    expect(entries.map((e) => e.folder)).toEqual(['c-compare', 'b-run', 'a-run']);
    expect(entries[1]!.system).toBe('godist n3r1w1');
    const html = readFileSync(writeIndex(root), 'utf8');
    expect(html).toContain('href="b-run/report.html"');
    expect(html).toContain('a promise was broken');
    // A comparison's findings, setting by setting.
    expect(html).toContain('<td>3/1/1: linearizable 2, stale-reads 3 · 3/2/2: linearizable undecided · 3/3/3: 0</td>');
    expect(buildIndex([])).toContain('0 folders');
  });
});

describe('compare', () => {
  it("parses each entry with its system's own syntax, over the flags the runs share", () => {
    const plan = compareSettings(settings, '3/1/1, 3/2/2/strict/sync,godist:3/3/3/durable/rr-off');
    expect(plan.map((p) => p.text)).toEqual(['3/1/1', '3/2/2/strict/sync', 'godist:3/3/3/durable/rr-off']);
    expect(plan[1]!.settings.system).toMatchObject({ name: 'godist', N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync' });
    expect(plan[2]!.settings.system).toMatchObject({ N: 3, R: 3, W: 3, durable: true, readRepair: 'off' });
    expect(plan.every((p) => p.settings.seed === settings.seed && p.settings.nemesis === settings.nemesis)).toBe(true);
  });

  it('rejects a malformed entry with one line naming it', () => {
    for (const bad of ['3/1', '3/x/1', '3/1/1/fast', '', '3/0/1', '3/4/1', 'command:3/1/1/strict']) {
      expect(() => compareSettings(settings, bad)).toThrow(UsageError);
    }
    expect(() => compareSettings(settings, '3/1/1,3/1')).toThrow(/"3\/1"/);
    expect(() => compareSettings(settings, '3/4/1')).toThrow('R=4 exceeds N=3');
  });

  it('exits 1 when a setting broke a promise, 3 when undecided, else 0', () => {
    expect(compareExitCode([{ valid: true }, { valid: true }])).toBe(0);
    expect(compareExitCode([{ valid: true }, { valid: 'unknown' }])).toBe(3);
    expect(compareExitCode([{ valid: 'unknown' }, { valid: false }])).toBe(1);
  });

  it("says where the measured staleness departs from PBS, and what the run's stale reads blame", () => {
    const stale = (cause: string) => ({ type: 'stale-read', index: 0, related: [], time: 0, explanation: '', cause });
    expect(departure([], 0.8, 1 / 3, 100)).toMatch(/fresher than predicted.*exactly W replicas/);
    expect(departure([stale('amnesia'), stale('replica-set-moved'), stale('amnesia')], 0.9, 1, 100)).toMatch(/staler than predicted.*amnesia \(2\), replica-set-moved \(1\)/);
    expect(departure([], 0.35, 1 / 3, 100)).toMatch(/within 5 points/);
    expect(departure([], 0, 1 / 3, 0)).toMatch(/nothing to measure/);
    expect(departure([], 0.9, null, 100)).toMatch(/only for quorum systems/);
  });

  it('lays settings side by side in the terminal and in compare.html', async () => {
    const { history, results } = await syntheticRun();
    const row = compareRow({ text: '3/1/1', folder: 'runs/x', settings, system: describeRun(settings), history, results });
    expect(row.kPredicted[0]).toBeCloseTo(1 / 3);
    expect(row.staleReads).toBe(results.checks['stale-reads']!.count);
    const table = formatCompareTable([row]);
    expect(table.split('\n')[0]).toMatch(/^setting\s+reads ok \(of all\)\s+writes ok \(of all\)\s+p50 ms\s+p99 ms\s+stale \(of ok reads\)\s+linearizable \(keys failed\)\s+lost \(of acked\)/);
    const html = buildCompare({ command: 'npx godist compare --settings 3/1/1', startedAt: '2026-01-01T00:00:00.000Z', base: settings, rows: [row] });
    expect(html).toContain('href="runs/x/report.html"');
    expect(html).toContain('id="t-visibility"');
  });

  it('adds the settings of --predict as rows marked predicted, with the WARS figures and the closed form, in the table and the charts\' data', async () => {
    const { history, results } = await syntheticRun();
    const row = compareRow({ text: '3/1/1', folder: 'runs/x', settings, system: describeRun(settings), history, results });
    const buckets = row.tVisibility.map((b) => ({ fromMs: b.fromMs, toMs: b.toMs }));
    const predicted: PredictedRow = {
      text: '3/1/2',
      label: 'godist 3/1/2',
      predicted: { setting: { N: 3, R: 1, W: 2, nodes: 3 }, from: 'the latencies of the 1 run of this comparison, pooled (9 writes and 9 reads timed)', legs: 'inbox', trials: 100, seed: 1, tVisibility: buckets.map((b) => ({ ...b, p: 0.9 })), kStaleness: [0.95, 1, 1, 1, 1], assumed: [] },
      unavailable: null,
      kClosedForm: [2 / 3, 8 / 9, 1, 1, 1],
    };
    const table = formatCompareTable([row], [predicted]);
    expect(table).toMatch(/^godist 3\/1\/2 \(predicted\)\s+–.*– \/ 95\.0% \/ 66\.7%\s+not run$/m);
    expect(table).toContain('godist 3/1/2 (predicted): Not run: predicted from the latencies of the 1 run of this comparison, pooled');
    const html = buildCompare({ command: 'npx godist compare --settings 3/1/1 --predict 3/1/2', startedAt: '2026-01-01T00:00:00.000Z', base: settings, rows: [row], predicted: [predicted] });
    expect(html).toContain('<b>godist 3/1/2</b> <em>predicted</em>');
    const data = JSON.parse(/<script type="application\/json" id="compare-data">(.*?)<\/script>/s.exec(html)![1]!) as CompareData;
    expect(data.rows.map((r) => [r.label, r.folder, r.kWars?.[0] ?? null])).toEqual([['godist n3r1w1', 'runs/x', null], ['godist 3/1/2', null, 0.95]]);
    expect(data.rows[1]!.tWars).toEqual(buckets.map(() => 0.9));
    expect(data.rows[1]!.tMeasured).toBeNull();
  });

  it('names the denominator of every share, and the stale and fresh shares add up over the reads they share', async () => {
    const { history, results } = await syntheticRun();
    const row = compareRow({ text: '3/1/1', folder: 'runs/x', settings, system: describeRun(settings), history, results });
    const html = buildCompare({ command: 'npx godist compare --settings 3/1/1', startedAt: '2026-01-01T00:00:00.000Z', base: settings, rows: [row] });
    const okReads = pairOps(history).filter((p) => p.f === 'read' && p.type === 'ok').length;
    expect(row.readsChecked).toBe(okReads);
    expect(html).toContain(`>${row.staleReads} of ${okReads} (${((row.staleReads / okReads) * 100).toFixed(1)}%)<br>`);
    expect(html).toContain(`${(row.kMeasured[0]! * 100).toFixed(1)}% of ${row.kReads} / `);
    expect(html).toContain(`<td class="num">0 of ${results.checks['lost-writes']!['checked']}<br><span class="verdict kept">none found</span></td>`);
    for (const head of ['of all reads', 'of all writes', 'of ok reads', 'of acknowledged', 'of reads after a write: measured / WARS / bound']) expect(html).toContain(`<span class="muted">${head}</span>`);
    // Over the reads k = 1 counts, the stale ones (the check's, final reads left out) and the fresh ones are all of them.
    const mainStale = results.checks['stale-reads']!.anomalies.filter((a) => a['final'] !== true).length;
    expect(row.kReads * (1 - row.kMeasured[0]!)).toBeCloseTo(mainStale);
    expect(html).toContain(`${((1 - row.kMeasured[0]!) * 100).toFixed(1)}% stale.`);
  });

  it('says what each check promised, found and concluded in the words report.html uses, in the table, the terminal and the index', async () => {
    const { history, results } = await syntheticRun();
    const row = compareRow({ text: '3/1/1', folder: 'runs/x', settings, system: describeRun(settings), history, results });
    for (const check of ['linearizable', 'stale-reads', 'lost-writes']) {
      const c = results.checks[check]!;
      expect(row.checks!.find((x) => x.check === check)).toEqual({ check, promised: promisedWords(c), found: foundWords(c), verdict: outcomeWords(c), outcome: outcomeOf(c) });
    }
    // The synthetic run: 3/1/1 promises none of them; one key not linearizable, one stale read, no lost write.
    const html = buildCompare({ command: 'x', startedAt: '2026-01-01T00:00:00.000Z', base: settings, rows: [row] });
    expect(html).toContain('<td class="num">1 of 2 keys<br><span class="verdict allowed">found, allowed</span></td>');
    expect(html).toMatch(/1 of \d+ \(\d+\.\d%\)<br><span class="verdict allowed">found, allowed<\/span>/);
    expect(html).toContain(`<span class="verdict kept">${runVerdictWords(true)}</span>`);
    const line = formatCompareTable([row]).split('\n')[1]!;
    expect(line).toContain('1 of 2 keys, found, allowed');
    expect(line).toContain('none found');
    expect(line).toMatch(/every promise held$/);
    const data = JSON.parse(/<script type="application\/json" id="compare-data">(.*?)<\/script>/s.exec(html)![1]!) as CompareData;
    expect(data.rows[0]!.checks.map((c) => [c.check, c.promised, c.found, c.verdict, c.cls])).toContainEqual(['lost-writes', 'no', '0', 'none found', 'kept']);
  });

  it("a row's prediction, when it comes (from the pool), replaces the closed form's sentence", async () => {
    const { history, results } = await syntheticRun();
    const row = compareRow({ text: '3/1/1', folder: 'runs/x', settings, system: describeRun(settings), history, results, prediction: null });
    expect(row.departure).toBe(row.closedForm);
    const prediction = holdAgainstPrediction({ pairs: pairOps(history), faults: [], measured: tVisibility(pairOps(history)), predicted: null, unavailable: 'no timings' });
    expect(withPrediction(row, prediction).departure).toBe(`No WARS prediction: no timings. ${row.closedForm}`);
  });
});
