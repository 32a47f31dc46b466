/**
 * What report.html costs on a big history: build a synthetic run of 100,000 ops (10 workers, 10
 * keys, partitions every 20 s with failed writes, timeouts and stale reads in them), time
 * buildReport and weigh the page, then open it from disk in Debian's Chromium and time load →
 * first paint of the timeline, a click on an anomaly (panel filled, timeline redrawn, next frame),
 * a zoom, and a reset to the whole run (the most ops on screen). The last line is one JSON object.
 *
 *   npm run bench:report [-- --ops 100000 --rounds 3 --keep /tmp/report.html]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { HistoryOp } from '../harness/history/op.js';
import { createRandom } from '../harness/shared/random.js';
import { buildReport } from '../harness/report/build-report.js';
import { runChecks } from '../harness/checks/run-checks.js';
import { describeRun, resolveSettings, systemOf } from '../harness/run/run-settings.js';
import { runStaleness } from '../harness/run/predict-staleness.js';
import type { RunSettings } from '../harness/run/settings.js';
import { launchChromium } from '../test/report/chromium.js';

// Functions passed to page.evaluate run in the page; the project's TypeScript has no DOM library,
// so the few browser globals they use are declared here, loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (callback: () => void) => number;
type HTMLCanvasElement = any;
type HTMLElement = any;

const { values: args } = parseArgs({ options: { ops: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' }, keep: { type: 'string' } } });
const OPS = Number(args.ops);
const ROUNDS = Number(args.rounds);

const settings: RunSettings = resolveSettings({ nodes: 5, N: 3, R: 1, W: 1, nemesis: ['partition'], nemesisInterval: 20, concurrency: 10, keys: 10, rate: 200, checkTimeLimit: 10 });

/** Ten workers over ten keys at about 200 ops/s; inside partitions writes fail, some ops time out, some reads are stale. */
function syntheticHistory(ops: number): HistoryOp[] {
  const random = createRandom(7);
  const records: Omit<HistoryOp, 'index'>[] = [];
  const latest = new Map<string, number[]>();
  let value = 0;
  const inFault = (ns: number) => ns / 1e9 % 20 >= 12;
  for (let t = 12e9; t < (ops / 200) * 1e9 + 20e9; t += 20e9) {
    records.push({ type: 'info', process: 'nemesis', f: 'partition', value: { description: 'majorities ring', nodes: ['node-1', 'node-2'] }, time: t });
    records.push({ type: 'info', process: 'nemesis', f: 'heal', value: {}, time: t + 8e9 });
  }
  // Workers take turns by time, so "the latest acknowledged value" is the one a real store would hold.
  const processOf = Array.from({ length: settings.concurrency }, (_, w) => w);
  const nowOf = Array.from({ length: settings.concurrency }, () => random.next() * 5e7);
  for (let made = 0; made < ops; made++) {
    let w = 0;
    for (let x = 1; x < nowOf.length; x++) if (nowOf[x]! < nowOf[w]!) w = x;
    const process = processOf[w]!;
    const now = nowOf[w]!;
    const key = `k${random.int(settings.keys)}`;
    const f = random.next() < 0.5 ? 'read' : 'write';
    const fault = inFault(now);
    const latency = Math.exp(random.next() * 3) * 4e5 * (fault ? 3 : 1);
    const node = `node-${(process % 5) + 1}`;
    const roll = random.next();
    const type: 'ok' | 'fail' | 'info' = fault && roll < 0.01 ? 'info' : fault && f === 'write' && roll < 0.3 ? 'fail' : 'ok';
    const end = now + (type === 'info' ? 1e9 : latency);
    const seen = latest.get(key) ?? [];
    let v: unknown = null;
    if (f === 'write') v = ++value;
    else if (type === 'ok') v = (fault && random.next() < 0.05 ? seen[seen.length - 2] : seen[seen.length - 1]) ?? null;
    records.push({ type: 'invoke', process, f, key, value: f === 'write' ? v : null, time: Math.round(now), node });
    records.push({ type, process, f, key, value: v, time: Math.round(end), node, ...(type === 'fail' ? { error: 'write quorum not reached' } : type === 'info' ? { error: 'timeout' } : {}) });
    // The write lands when it is acknowledged; the store's bookkeeping here is at invocation, close enough for load.
    if (f === 'write' && type === 'ok') latest.set(key, [...seen.slice(-3), v as number]);
    if (type === 'info') processOf[w] = process + settings.concurrency;
    nowOf[w] = end + 4.5e7 + random.next() * 1e7;
  }
  records.sort((a, b) => a.time - b.time || (a.type === 'invoke' ? 1 : 0) - (b.type === 'invoke' ? 1 : 0));
  return records.map((r, index) => ({ index, ...r }) as HistoryOp);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const history = syntheticHistory(OPS);
let t = performance.now();
const results = await runChecks(history, settings, { system: systemOf(settings) });
const checkMs = performance.now() - t;
const run = { tool: 'godist', version: 'bench', command: 'npm run bench:report', startedAt: new Date().toISOString(), node: process.version, settings };

// What the run computes beside the checks for the staleness section (the history has no replica
// timings, so the measurement's side only: the curve outside fault windows and the departure).
t = performance.now();
const prediction = runStaleness(settings, history).prediction;
const predictMs = performance.now() - t;
const builds: number[] = [];
let html = '';
for (let r = 0; r < ROUNDS; r++) {
  t = performance.now();
  html = buildReport({ run, settings, system: describeRun(settings), history, results, prediction });
  builds.push(performance.now() - t);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'godist-report-bench-'));
const file = path.join(dir, 'report.html');
writeFileSync(file, html);
if (args.keep) writeFileSync(args.keep, html);
const anomalies = Object.values(results.checks).reduce((n, c) => n + c.anomalies.length, 0);
console.log(`history: ${OPS} ops, ${history.length} records, ${anomalies} anomalies listed (checks took ${checkMs.toFixed(0)} ms, the staleness prediction's measurement side ${predictMs.toFixed(0)} ms, not counted below)`);
console.log(`build:   ${median(builds).toFixed(0)} ms (median of ${ROUNDS}), page ${(html.length / 1e6).toFixed(2)} MB`);

const browser = await launchChromium();
const opens: number[] = [];
const clicks: number[] = [];
const zooms: number[] = [];
const resets: number[] = [];
const errors: string[] = [];
let steps: Record<string, number> = {};
try {
  for (let r = 0; r < ROUNDS; r++) {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
    // ms from navigation start to the frame after the script drew the timeline and plots.
    opens.push(await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))))));
    if (r === 0) steps = await page.evaluate(() => window.godistReport.timings);
    const timed = (action: string) =>
      page.evaluate(
        (a) =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            const el = document.querySelector(a) as HTMLElement;
            el.click();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          }),
        action,
      );
    await page.click('#tl-reset');
    resets.push(await timed('#tl-reset'));
    clicks.push(await timed('tr[data-anomaly]'));
    zooms.push(await timed('#tl-zoom-out'));
    if (r === 0) await page.screenshot({ path: path.join(dir, 'bench.png') });
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
const summary = {
  bench: 'report',
  ops: OPS,
  anomalies,
  buildMs: Math.round(median(builds)),
  predictMs: Math.round(predictMs),
  bytes: html.length,
  openMs: Math.round(median(opens)),
  clickMs: Math.round(median(clicks)),
  zoomMs: Math.round(median(zooms)),
  resetMs: Math.round(median(resets)),
  consoleErrors: errors.length,
};
console.log(`open:    ${summary.openMs} ms load → timeline and plots painted (median of ${ROUNDS})`);
console.log(`respond: click an anomaly ${summary.clickMs} ms, zoom ${summary.zoomMs} ms, whole run ${summary.resetMs} ms (to the next frame)`);
console.log(`steps:   ${Object.entries(steps).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')} (ms since navigation, first round)`);
if (errors.length > 0) console.log(`console errors: ${errors.slice(0, 3).join(' | ')}`);
console.log(JSON.stringify(summary));
