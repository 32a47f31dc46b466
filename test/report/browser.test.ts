import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompare, type CompareOutcome } from '../../harness/run/compare.js';
import { runTest } from '../../harness/run/run.js';
import { packageRoot } from '../../harness/shared/paths.js';
import type { RunResults } from '../../harness/checks/result.js';
import type { RunSettings } from '../../harness/run/settings.js';
import { settingsOf } from '../run/settings-of.js';
import { launchChromium, type Browser } from './chromium.js';

// Functions passed to page.evaluate run in the page; the project's TypeScript has no DOM library,
// so the few browser globals they use are declared here, loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const devicePixelRatio: number;
declare const requestAnimationFrame: (callback: () => void) => number;
type HTMLCanvasElement = any;
type HTMLElement = any;

/**
 * The pages as a person sees them: a real (short) comparison of two settings on a 3-node cluster
 * under partitions, then report.html and compare.html opened from disk in Debian's Chromium.
 * Screenshots land in test-artifacts/ (git-ignored).
 */
const artifacts = path.join(packageRoot, 'test-artifacts');
const base: RunSettings = settingsOf({
  nodes: 3,
  N: 3,
  R: 1,
  W: 1,
  nemesis: ['partition'],
  nemesisInterval: 1.5,
  timeLimit: 4,
  keys: 3,
  concurrency: 5,
  rate: 150,
  checkTimeLimit: 10,
});

let root: string;
let outcome: CompareOutcome;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  root = mkdtempSync(path.join(os.tmpdir(), 'godist-browser-'));
  browser = await launchChromium();
  outcome = await runCompare(base, '3/1/1,3/2/2/strict/sync', { resultsRoot: root, predict: '3/1/2' });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Opens a page from disk and records every console error and uncaught exception. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  return { page, errors };
}

/** Pixels on the chart's canvas within `tolerance` of the colour `hex` in each channel. */
function pixelsOf(page: Page, selector: string, hex: string, tolerance = 40): Promise<number> {
  return page.evaluate(
    ([sel, colour, tol]) => {
      const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
      if (!canvas) return -1;
      const want = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 160 && want.every((c, j) => Math.abs(d[i + j]! - c) <= tol)) n++;
      return n;
    },
    [selector, hex, tolerance] as const,
  );
}

/** Opaque, saturated pixels on the chart's canvas: data drawn, not just grey axes and grid. */
function colouredPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
    if (!canvas) return -1;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 160 && Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 60) n++;
    }
    return n;
  }, selector);
}

describe('report.html in Chromium', () => {
  it('opens from disk without console errors; timeline and plots render; clicking an anomaly shows its explanation', async () => {
    const runDir = path.join(outcome.dir, outcome.rows[0]!.folder);
    const results = JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8')) as RunResults;
    const anomalies = Object.values(results.checks).flatMap((c) => c.anomalies);
    expect(anomalies.length, 'an R=W=1 run under partitions should show stale reads; without one there is nothing to click').toBeGreaterThan(0);

    const { page, errors } = await open(path.join(runDir, 'report.html'));
    for (const chart of ['#timeline-chart', '#perf-latency', '#perf-quantiles', '#perf-throughput', '#perf-availability']) {
      expect(await colouredPixels(page, chart), `${chart} draws nothing`).toBeGreaterThan(50);
    }

    // A cause's worked example: its explanation appears in the detail panel.
    const example = page.locator('.worked-example a[data-anomaly]').first();
    const ai = Number(await example.getAttribute('data-anomaly'));
    const data = await page.evaluate(() => JSON.parse(document.getElementById('report-data')!.textContent!) as { anomalies: { index: number; time: number; explanation: string }[] });
    await example.click();
    expect(await page.locator('#op-detail').textContent()).toContain(data.anomalies[ai]!.explanation);
    // The rest of its group, opened: a row clicked shows that row's anomaly.
    const group = page.locator('.cause-group:has(table)').first();
    if ((await group.locator('details').count()) > 0) await group.locator('details > summary').click();
    const row = group.locator('tr[data-anomaly]').last();
    await row.click();
    expect(await page.locator('#op-detail').textContent()).toContain(data.anomalies[Number(await row.getAttribute('data-anomaly'))]!.explanation);
    // The rows the builder wrote are the rows the script writes for "show all".
    const mismatched = await page.evaluate(() =>
      [...document.querySelectorAll('.cause-group tr[data-anomaly]')].filter((tr: HTMLElement) => {
        const ai = Number(tr.getAttribute('data-anomaly'));
        const plain = tr.cloneNode(true) as HTMLElement;
        plain.classList.remove('selected'); // the row clicked above
        return plain.outerHTML !== window.godistReport.anomalyRow(window.godistReport.data.anomalies[ai], ai);
      }).length,
    );
    expect(mismatched).toBe(0);
    await page.locator('#timeline').screenshot({ path: path.join(artifacts, 'report-timeline.png') });

    // The same anomaly's op, clicked on the timeline canvas itself.
    const a = data.anomalies[ai]!;
    const expected = data.anomalies.find((x) => x.index === a.index)!.explanation;
    await page.evaluate(() => (document.getElementById('op-detail')!.innerHTML = ''));
    await page.locator('#timeline-chart').scrollIntoViewIfNeeded();
    await page.evaluate((t) => (window as unknown as { godistReport: { timeline: { setScale(k: string, r: object): void } } }).godistReport.timeline.setScale('x', { min: t - 0.05, max: t + 0.05 }), a.time);
    const point = await page.evaluate((i) => (window as unknown as { godistReport: { opPoint(i: number): { x: number; y: number } } }).godistReport.opPoint(i), a.index);
    await page.mouse.click(point.x, point.y);
    expect(await page.locator('#op-detail').textContent()).toContain(expected);

    // Zoom: the buttons change the timeline's range.
    const range = () => page.evaluate(() => {
      const s = (window as unknown as { godistReport: { timeline: { scales: { x: { min: number; max: number } } } } }).godistReport.timeline.scales.x;
      return s.max - s.min;
    });
    await page.click('#tl-reset');
    const whole = await range();
    await page.click('#tl-zoom-in');
    expect(await range()).toBeCloseTo(whole / 2, 5);

    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** What a page's charts show, read in the page: each chart's x labels as laid out, its series and its legend. */
interface ChartFacts {
  id: string;
  canvasWidth: number;
  /** The x labels drawn, with where they lie (CSS px from the canvas's left; centred on their split). */
  labels: { text: string; left: number; right: number }[];
  /** Series past x, with how many points each has and its style. */
  series: { label: string; show: boolean; points: number; stroke: string; dash: string; width: number; data: string }[];
  /** The legend's entries (uPlot's), x left out; null when the chart has no legend. */
  legend: string[] | null;
}

function chartFacts(page: Page, handle: 'godistReport' | 'godistCompare'): Promise<ChartFacts[]> {
  return page.evaluate((h) => {
    const measure = document.createElement('canvas').getContext('2d')!;
    measure.font = window.AXIS_FONT;
    return (window[h].charts as any[]).map((u) => {
      const legend = u.root.querySelector('.u-legend');
      const left = u.bbox.left / devicePixelRatio;
      return {
        id: u.root.parentNode.id,
        canvasWidth: u.width,
        labels: (window.drawnXLabels.get(u) ?? []).filter((l: [number, string]) => l[1] !== '').map(([v, text]: [number, string]) => {
          const x = left + u.valToPos(v, 'x');
          const w = measure.measureText(text).width;
          return { text, left: x - w / 2, right: x + w / 2 };
        }),
        series: u.series.slice(1).map((s: any, i: number) => ({
          label: s.label,
          show: s.show,
          points: u.data[i + 1].filter((v: number | null) => v !== null && v !== undefined).length,
          stroke: String(typeof s.stroke === 'function' ? s.stroke(u, i + 1) : s.stroke),
          dash: JSON.stringify(s.dash ?? []),
          width: s.width,
          data: JSON.stringify(u.data[i + 1]),
        })),
        legend: legend && legend.offsetParent !== null ? [...legend.querySelectorAll('.u-series:not(:first-child) .u-label')].map((e: any) => e.textContent) : null,
      };
    });
  }, handle);
}

/** Hue in degrees of "#rrggbb" or "rgba(r,g,b,a)". */
function hueOf(colour: string): number {
  const [r, g, b] = colour.startsWith('#') ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16) / 255) : colour.match(/[\d.]+/g)!.slice(0, 3).map((x) => Number(x) / 255);
  const max = Math.max(r!, g!, b!);
  const d = max - Math.min(r!, g!, b!);
  if (d === 0) return 0;
  const h = max === r ? ((g! - b!) / d) % 6 : max === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('report.html charts at 1400 px and at 1280×800', () => {
  for (const [width, height] of [[1400, 900], [1280, 800]] as const) {
    it(`${width}×${height}: no x label cut, legends list the lines drawn, fault windows and cluster rows labelled`, async () => {
      const runDir = path.join(outcome.dir, outcome.rows[0]!.folder);
      const { page, errors } = await open(path.join(runDir, 'report.html'));
      await page.setViewportSize({ width, height });
      await page.reload();
      await page.waitForSelector('body[data-ready="1"]');
      const charts = await chartFacts(page, 'godistReport');

      // Labels not cut: every x label lies within its canvas, and the t-visibility chart shows every bucket's.
      for (const c of charts) {
        for (const l of c.labels) expect(l.left >= 0 && l.right <= c.canvasWidth, `${c.id}: "${l.text}" from ${l.left} to ${l.right} of ${c.canvasWidth}`).toBe(true);
      }
      const tv = charts.find((c) => c.id === 't-visibility')!;
      const buckets = await page.evaluate(() => window.godistReport.data.staleness.tVisibility.buckets.map((b: { fromMs: number; toMs: number }) => `${b.fromMs}–${b.toMs}`));
      expect(tv.labels.map((l) => l.text)).toEqual(buckets);

      // Legends: an entry for every line drawn, and none for a line that is not (no data, or hidden under another).
      for (const c of charts.filter((x) => x.legend !== null)) {
        expect(c.legend, c.id).toEqual(c.series.map((x) => x.label));
        for (const x of c.series) expect(x.show && x.points > 0, `${c.id}: ${x.label} is listed but draws nothing`).toBe(true);
        expect(new Set(c.series.map((x) => x.data)).size, `${c.id}: two lines coincide, one hidden under the other`).toBe(c.series.length);
      }
      const q = charts.find((c) => c.id === 'perf-quantiles')!;
      expect(q.series.length).toBeGreaterThan(1);
      // One colour per op, one dash per quantile (lines merged because they coincide aside).
      const single = q.series.filter((x) => !x.label.includes(' = '));
      for (const a of single) {
        for (const b of single) {
          const [fa, qa] = a.label.split(' ');
          const [fb, qb] = b.label.split(' ');
          expect(a.stroke === b.stroke, `${a.label} / ${b.label}: the same colour exactly when the same op`).toBe(fa === fb);
          expect(`${a.dash} ${a.width}` === `${b.dash} ${b.width}`, `${a.label} / ${b.label}: the same line exactly when the same quantile`).toBe(qa === qb);
        }
      }

      // Fault windows labelled on the timeline: each with room for its kind says at least the kind, and no label overflows its window.
      await page.click('#tl-reset');
      const faults = await page.evaluate(() => ({ windows: window.godistReport.data.faults, labels: window.godistReport.faultLabels }));
      expect(faults.windows.length, 'the run was under partitions').toBeGreaterThan(0);
      expect(faults.labels.map((l: { index: number }) => l.index)).toEqual(faults.windows.map((_: unknown, i: number) => i));
      for (const l of faults.labels) {
        const window = faults.windows[l.index]!;
        expect(l.textWidth, `${l.text} fits its window`).toBeLessThanOrEqual(l.x1 - l.x0);
        // Wide enough for its kind, a window says its kind or its nodes.
        if (l.x1 - l.x0 > 80) expect([window.kind, ...window.nodes].some((w: string) => l.text.includes(w)), `window ${l.index} labelled "${l.text}"`).toBe(true);
      }
      // A label clicked says which fault and which nodes.
      const first = faults.labels[0]!;
      const box = (await page.locator('#timeline-chart canvas').boundingBox())!;
      await page.mouse.click(box.x + (first.x0 + first.x1) / 2, box.y + 8);
      const w = faults.windows[first.index]!;
      expect(await page.locator('#op-detail').textContent()).toContain(`${w.kind} from`);
      expect(await page.locator('#op-detail').textContent()).toContain(w.description);

      // Cluster lanes: every row labelled in the gutter (the node's name, "seen by" each observer), none cut.
      const cluster = await page.evaluate(() => ({ nodes: window.godistReport.cluster.chart ? JSON.parse(document.getElementById('cluster-data')!.textContent!).nodes : [], rows: window.godistReport.cluster.rowLabels, colours: window.godistReport.cluster.colours }));
      const n = cluster.nodes.length;
      expect(n).toBe(3);
      expect(cluster.rows.map((r: { text: string }) => r.text)).toEqual(cluster.nodes.flatMap((p: string) => [...cluster.nodes.filter((o: string) => o !== p).map((o: string) => `seen by ${o}`), p]));
      for (const r of cluster.rows) expect(r.right - r.width, `"${r.text}" starts inside the canvas`).toBeGreaterThanOrEqual(0);
      // The leaders' colours are blues, far in hue from every peer state's colour.
      for (const leader of cluster.colours.leaders) {
        for (const state of ['alive', 'suspect', 'dead', 'paused'] as const) {
          const d = Math.abs(hueOf(leader) - hueOf(cluster.colours[state]));
          expect(Math.min(d, 360 - d), `${leader} against ${state}`).toBeGreaterThanOrEqual(35);
        }
      }
      await page.locator('#timeline').screenshot({ path: path.join(artifacts, `report-timeline-${width}.png`) });
      await page.locator('#cluster').screenshot({ path: path.join(artifacts, `report-cluster-${width}.png`) });
      await page.locator('#performance').screenshot({ path: path.join(artifacts, `report-performance-${width}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

describe('compare.html in Chromium', () => {
  it('opens from disk without console errors; both staleness charts render; clicking a setting explains it', async () => {
    const { page, errors } = await open(path.join(outcome.dir, 'compare.html'));
    expect(await page.locator('#compare tr[data-row]:not(.predicted)').count()).toBe(2);
    expect(await page.locator('#compare tr.predicted').count()).toBe(1);
    for (const chart of ['#t-visibility', '#k-staleness']) expect(await colouredPixels(page, chart), `${chart} draws nothing`).toBeGreaterThan(50);
    await page.locator('tr[data-row="0"]').click();
    expect(await page.locator('#row-detail').textContent()).toContain(outcome.rows[0]!.departure);
    // What each check promised, found and concluded, in the report's words.
    const checks = await page.locator('#row-detail table.checks tr').allTextContents();
    expect(checks.length).toBe(1 + outcome.rows[0]!.checks!.length);
    expect(checks.join('\n')).toContain(outcome.rows[0]!.checks!.find((c) => c.check === 'stale-reads')!.verdict);
    const href = await page.locator('tr[data-row="0"] a').getAttribute('href');
    expect(href).toBe(`${outcome.rows[0]!.folder}/report.html`);
    await page.screenshot({ path: path.join(artifacts, 'compare.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the WARS prediction beside each measurement, and the --predict setting as a labelled line of its own', async () => {
    const { page, errors } = await open(path.join(outcome.dir, 'compare.html'));
    const charts = await page.evaluate(() =>
      (window.godistCompare.charts as { root: HTMLElement; series: { label: string; show: boolean }[]; data: (number | null)[][] }[]).map((u) => ({
        id: u.root.parentNode.id as string,
        series: u.series.slice(1).map((s, i) => ({ label: s.label, show: s.show, points: u.data[i + 1]!.filter((v) => v !== null).length })),
      })),
    );
    const predictedRow = outcome.predicted[0]!;
    expect(predictedRow.predicted, `3/1/2 from the runs' latencies pooled: ${predictedRow.unavailable}`).not.toBeNull();
    for (const id of ['t-visibility', 'k-staleness']) {
      const chart = charts.find((c) => c.id === id)!;
      const labels = chart.series.map((x) => x.label);
      // Every run has its prediction: 3/1/1 on three nodes cannot predict alone and takes the pool.
      for (const r of outcome.rows) {
        expect(r.prediction?.predicted, `${r.label}: ${r.prediction?.unavailable}`).toBeTruthy();
        expect(labels).toContain(`${r.label} measured`);
        expect(labels).toContain(`${r.label} WARS prediction`);
      }
      expect(labels).toContain('godist 3/1/2 predicted (not run)');
      for (const x of chart.series) expect(x.points, `${id}: ${x.label} has data`).toBeGreaterThan(0);
      // The legend names the same lines.
      const legend = await page.locator(`#${id} .u-legend .u-series:not(:first-child) .u-label`).allTextContents();
      expect(legend).toEqual(labels);
    }
    // No x label cut, at 1400 px and at 1280×800, and every bucket's and every k's label shown.
    for (const [width, height] of [[1400, 900], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.dispatchEvent(new Event('resize')));
      for (const c of await chartFacts(page, 'godistCompare')) {
        for (const l of c.labels) expect(l.left >= 0 && l.right <= c.canvasWidth, `${width}: ${c.id}: "${l.text}" from ${l.left} to ${l.right} of ${c.canvasWidth}`).toBe(true);
        expect(c.labels.length, `${width}: ${c.id} labels every category`).toBe(c.id === 'k-staleness' ? 5 : 12);
      }
    }
    // The predicted setting's line is drawn in its own colour (the third series colour).
    expect(await pixelsOf(page, '#t-visibility', '#16a34a')).toBeGreaterThan(30);
    await page.locator('#compare tr.predicted').click();
    expect(await page.locator('#row-detail').textContent()).toContain('predicted, not run');
    await page.locator('#staleness').screenshot({ path: path.join(artifacts, 'compare-staleness.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('report.html of a run with joins and leaves, in Chromium', () => {
  let runDir: string;
  beforeAll(async () => {
    // Seed 2's schedule joins twice: node-4, then node-5.
    const settings = settingsOf({ nodes: 3, workload: 'unique-writes', nemesis: ['membership'], nemesisInterval: 1.5, timeLimit: 4, concurrency: 5, rate: 100, seed: 2 });
    runDir = (await runTest(settings, { resultsRoot: root })).dir;
  }, 120_000);

  it('opens without console errors; each change is a line on the timeline; the joiners have cluster lanes; the movement table is there', async () => {
    const { page, errors } = await open(path.join(runDir, 'report.html'));
    const faults = await page.evaluate(() => window.godistReport.data.faults as { kind: string; start: number; end: number | null }[]);
    const changes = faults.filter((f) => f.kind === 'join' || f.kind === 'leave');
    expect(changes.length).toBeGreaterThanOrEqual(2);
    for (const f of changes) expect(f.end).toBe(f.start);
    // A join is an instant drawn as a strong line in its own colour (#0891b2), not a faint window.
    expect(await pixelsOf(page, '#timeline-chart', '#0891b2', 30)).toBeGreaterThan(20);
    const nodes = await page.evaluate(() => JSON.parse(document.getElementById('cluster-data')!.textContent!).nodes as string[]);
    expect(nodes).toEqual(expect.arrayContaining(['node-1', 'node-2', 'node-3', 'node-4']));
    const status = await page.evaluate(() => JSON.parse(document.getElementById('cluster-data')!.textContent!).status as [number, number, number][][]);
    // node-4's lane says it was not a member before it joined (status 3).
    expect(status[nodes.indexOf('node-4')]!.some((b) => b[2] === 3)).toBe(true);
    expect(await colouredPixels(page, '#cluster-chart')).toBeGreaterThan(50);
    expect(await page.locator('#membership table tr').count()).toBeGreaterThan(changes.length);
    await page.locator('#timeline').screenshot({ path: path.join(artifacts, 'report-membership-timeline.png') });
    await page.locator('#cluster').screenshot({ path: path.join(artifacts, 'report-membership-cluster.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
