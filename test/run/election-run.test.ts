import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClusterSamples } from '../../harness/checks/observations.js';
import { planFaults } from '../../harness/run/nemesis-plan.js';
import { createRandom } from '../../harness/shared/random.js';
import { runTest, type RunOutcome } from '../../harness/run/run.js';
import { nodeIds, type RunSettings } from '../../harness/run/settings.js';
import { settingsOf } from './settings-of.js';
import { launchChromium } from '../report/chromium.js';
import { survivorsOf } from './processes.js';

// Functions passed to page.evaluate run in the page; the project's TypeScript has no DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

/**
 * The election and failure-detector checks on real three-node clusters: a partition that cuts
 * the highest node off elects a second leader; a quiet run keeps one leader and suspects nobody.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-election-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let partitionRun: string | undefined;
const base = { nodes: 3, timeLimit: 6, concurrency: 4, rate: 100, checkTimeLimit: 20 };

async function run(settings: RunSettings): Promise<RunOutcome> {
  const outcome = await runTest(settings, { resultsRoot: root });
  expect(survivorsOf(outcome.dir)).toEqual([]);
  return outcome;
}

describe('the cluster\'s own view on a real cluster', { timeout: 120_000 }, () => {
  it('a partition that cuts node-3, the highest id, off from the others makes two leaders, expected under partitions', async () => {
    // Seed 32's schedule: one fault, node-3 cut off from {node-1, node-2} from 2 s to 4.84 s into the
    // workload; long enough for node-2 to suspect node-3 (1 s), ask it (0.5 s) and lead.
    const settings = settingsOf({ ...base, nemesis: ['partition'], nemesisInterval: 4, seed: 32 });
    const plan = planFaults({ kinds: settings.nemesis, interval: 4, timeLimit: 6, nodes: nodeIds(3), random: createRandom(32).fork('nemesis') });
    expect(plan.map((w) => [w.start, w.end, w.fault.description])).toEqual([[2, 4.842, 'node-3 cut off from {node-1, node-2}']]);

    const { dir, results } = await run(settings);
    const election = results.checks['election']!;
    expect(election.promised).toBe(false);
    expect(election.valid).toBe(true);
    // The split the partition causes; a stall of this busy machine may add others, told apart by cause.
    const split = election.anomalies.filter((a) => a.type === 'split-brain' && a['cause'] === 'fault');
    expect(split, JSON.stringify(election.anomalies.map((a) => a.explanation))).toHaveLength(1);
    expect(split[0]!['nodes']).toEqual(['node-2', 'node-3']);
    expect(split[0]!['durationMs'] as number).toBeGreaterThan(500);
    expect(split[0]!.explanation).toMatch(/^node-2 and node-3 both led for [\d.]+ s \([\d.]+ s–[\d.]+ s\) while \{node-3\} was cut off from \{node-1, node-2\} \([\d.]+ s–[\d.]+ s\)\.$/);

    const fd = results.checks['failure-detector']!;
    expect(fd['byCause']).toMatchObject({ 'cut-off': expect.any(Number) });
    expect((fd['detectionLatencyMs'] as { suspect: { count: number } }).suspect.count).toBeGreaterThanOrEqual(4);
    // The views came from the nodes' logs, and the samples agree with them.
    expect(election['viewsFrom']).toEqual({ log: ['node-1', 'node-2', 'node-3'], samples: [] });
    expect(election['samplesAgreeWithLogs'] as number).toBeGreaterThan(0.98);

    const samples = parseClusterSamples(readFileSync(path.join(dir, 'cluster.jsonl'), 'utf8'));
    expect(samples.length).toBeGreaterThan(60);
    expect(samples.some((s) => s.node === 'node-2' && s.leader === 'node-2')).toBe(true);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('id="cluster-data"');
    expect(html).toContain('both led for');
    partitionRun = dir;
  });

  it('report.html draws a lane per node, and clicking the split brain zooms to it and explains it', async () => {
    expect(partitionRun, 'needs the partition run above').toBeDefined();
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path.join(partitionRun!, 'report.html')).href);
      await page.waitForSelector('body[data-cluster-ready="1"]', { timeout: 10_000 });
      // node-2's own row, while it led: drawn in node-2's colour (the leaders' palette's second).
      const leaderPixels = await page.evaluate(() => {
        const colour = window.godistReport.cluster.colours.leaders[1];
        const want = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
        const canvas = document.querySelector('#cluster-chart canvas');
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && want.every((c, j) => Math.abs(d[i + j] - c) < 25)) n++;
        return n;
      });
      expect(leaderPixels, 'no lane shows node-2 leading').toBeGreaterThan(50);
      const row = page.locator('#election-findings tr[data-cluster-anomaly]').first();
      const text = await row.locator('td').last().textContent();
      await row.click();
      expect(await page.locator('#cluster-detail').textContent()).toContain(text!);
      const range = await page.evaluate(() => {
        const s = window.godistReport.cluster.chart.scales.x;
        return s.max - s.min;
      });
      expect(range).toBeLessThan(5);
      await page.locator('#cluster').screenshot({ path: path.join(root, 'cluster.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('no faults, default timings: one leader throughout and no false suspicion', async () => {
    const { dir, results } = await run(settingsOf({ ...base, nemesis: [], seed: 5 }));
    expect(existsSync(path.join(dir, 'cluster.jsonl'))).toBe(true);
    const election = results.checks['election']!;
    const fd = results.checks['failure-detector']!;
    expect(election.promised).toBe(true);
    expect(fd.promised).toBe(true);
    // On an idle machine both are empty. A starved process on a loaded box may still cause a
    // suspicion (and then an election): the checks list it as the machine's doing, never silently.
    const notTheMachine = [...election.anomalies, ...fd.anomalies].filter((a) => a['cause'] !== 'busy-machine');
    expect(notTheMachine.map((a) => a.explanation)).toEqual([]);
    expect(election.valid).toBe(true);
    expect(fd.valid).toBe(true);
    expect(results.valid).toBe(true);
    expect(election['leadership']).toHaveLength(election.count === 0 ? 1 : (election['leadership'] as unknown[]).length);
    // The run's nodes share a secret of their own for their internal routes; the folder never holds it.
    for (const id of nodeIds(3)) {
      const log = readFileSync(path.join(dir, 'nodes', `${id}.log`), 'utf8');
      expect(log).toContain('"internalAuth":"cluster-secret"');
      expect(log).not.toContain('internal-routes-open');
    }
    expect(readFileSync(path.join(dir, 'run.json'), 'utf8')).not.toMatch(/SECRET|secret/);
  });
});
