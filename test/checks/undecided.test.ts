import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../harness/history/op.js';
import { buildReport } from '../../harness/report/build-report.js';
import { buildIndex } from '../../harness/report/index-page.js';
import { scanResults } from '../../harness/run/results-index.js';
import { describeRun, resolveSettings, systemOf } from '../../harness/run/run-settings.js';
import { runTest } from '../../harness/run/run.js';
import { systems } from '../../harness/systems/index.js';
import { fakeStore } from '../systems/fake-store.js';
import { compareRow, formatCompareTable } from '../../harness/report/compare-page.js';
import { judgeCase } from '../../harness/regress/judge.js';
import { findingsOf } from '../../harness/regress/findings.js';
import { isUndecided } from '../../harness/checks/result.js';
import { runChecks } from '../../harness/checks/run-checks.js';
import type { RunSettings } from '../../harness/run/settings.js';
import { exitCodeOf, formatSummary } from '../../harness/report/summary.js';
import type { HistoryOp as Op } from '../../harness/history/op.js';
import { historyOf } from '../history/history-builder.js';
import { settingsOf } from '../run/settings-of.js';

/**
 * One key no search can settle in its first slice of steps: 16 concurrent writes, then reads of v3,
 * v5 and v3 again in real-time order (not linearizable, but only an exhaustive search over the
 * writes' orders shows it). A clock that jumps an hour at every reading ends the search after that
 * first slice, as a time limit would on a long history.
 */
function hardHistory(): HistoryOp[] {
  return historyOf((h) => {
    for (let p = 0; p < 16; p++) h.op(p, 'write', 'k0', p + 1, 0, 100, 'ok', { node: 'node-1' });
    h.op(20, 'read', 'k0', 3, 110, 120, 'ok', { node: 'node-1' });
    h.op(20, 'read', 'k0', 5, 130, 140, 'ok', { node: 'node-2' });
    h.op(20, 'read', 'k0', 3, 150, 160, 'ok', { node: 'node-3' });
  });
}

function jumpingClock(): () => number {
  let t = 0;
  return () => (t += 3_600_000);
}

const sloppy: RunSettings = settingsOf({ nodes: 3, keys: 1, nemesis: ['pause'] });
const strict: RunSettings = settingsOf({ nodes: 3, keys: 1, nemesis: ['pause'], quorum: 'strict', readRepair: 'sync' });

/** The run's checks with a clock that never runs out (none given), or the jumping one. */
async function check(history: Op[], settings: RunSettings, now?: () => number) {
  return runChecks(history, settings, { system: systemOf(settings), ...(now ? { now } : {}) });
}

describe('a linearizability check that decided nothing is undecided on every path, never "found 0, ok"', () => {
  it('the same history with a clock that never runs out is decided: not linearizable (so the hard history is not an easy one)', async () => {
    const results = await check(hardHistory(), sloppy);
    expect(results.checks['linearizable']!.count).toBe(1);
    expect(results.checks['linearizable']!.decided).toBe(true);
  });

  it('results.json: at sloppy settings the check is undecided but no promise depends on it (valid, exit 0)', async () => {
    const results = await check(hardHistory(), sloppy, jumpingClock());
    const lin = results.checks['linearizable']!;
    expect(lin.decided).toBe(false);
    expect(lin.count).toBe(0);
    expect(lin['keys']).toEqual({ k0: 'unknown' });
    expect(isUndecided(lin)).toBe(true);
    expect(results.valid).toBe(true);
    expect(exitCodeOf(results.valid)).toBe(0);
    expect(JSON.parse(JSON.stringify(results)).checks.linearizable.decided).toBe(false);
  });

  it('at strict, synchronous settings (linearizability promised) the run is undecided: exit 3', async () => {
    const results = await check(hardHistory(), strict, jumpingClock());
    expect(results.checks['linearizable']!.valid).toBe('unknown');
    expect(results.valid).toBe('unknown');
    expect(exitCodeOf(results.valid)).toBe(3);
    expect(formatSummary(results, '/runs/x')).toMatch(/linearizable\s+by the settings\s+undecided\s+undecided \(a promise depends on it\)/);
  });

  it('the terminal table says undecided in the found and verdict columns, and the verdict line names it', async () => {
    const text = formatSummary(await check(hardHistory(), sloppy, jumpingClock()), '/runs/x');
    const row = text.split('\n').find((l) => l.startsWith('linearizable'))!;
    expect(row).toMatch(/^linearizable\s+no\s+undecided\s+undecided \(nothing promised depends on it\)$/);
    expect(row).not.toMatch(/\bok\b|none found/);
    expect(text).toContain('1 of 1 key (k0) could not be decided');
    expect(text).toContain('verdict: every promise held; linearizable undecided (no promise depends on it)');
  });

  it('report.html says undecided in the checks table', async () => {
    const history = hardHistory();
    const results = await check(history, sloppy, jumpingClock());
    const html = buildReport({ run: {}, settings: sloppy, system: describeRun(sloppy), history, results });
    const row = /<tr><td><a href="#linearizability">linearizable<\/a><\/td>(.*?)<\/tr>/.exec(html)![1]!;
    expect(row).toContain('<td class="num">undecided</td>');
    expect(row).toContain('nothing promised depends on it');
    expect(row).not.toContain('none found');
  });

  it('results/index.html lists the check as undecided, not as nothing found', async () => {
    const results = await check(hardHistory(), sloppy, jumpingClock());
    const root = mkdtempSync(path.join(os.tmpdir(), 'godist-undecided-'));
    try {
      mkdirSync(path.join(root, 'run-1'));
      writeFileSync(path.join(root, 'run-1', 'run.json'), JSON.stringify({ settings: sloppy, startedAt: '2026-01-01T00:00:00.000Z' }));
      writeFileSync(path.join(root, 'run-1', 'results.json'), JSON.stringify(results));
      const entries = scanResults(root);
      expect(entries[0]!.found['linearizable']).toBe('undecided');
      expect(buildIndex(entries)).toContain('linearizable undecided');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('compare says undecided in its linearizable column', async () => {
    const history = hardHistory();
    const results = await check(history, sloppy, jumpingClock());
    const row = compareRow({ text: '3/2/2', folder: 'a', settings: sloppy, system: describeRun(sloppy), history, results });
    expect(formatCompareTable([row]).split('\n')[1]).toMatch(/\bundecided\b/);
  });

  it('regress counts the seed as undecided and says so in its found column', async () => {
    const results = await check(hardHistory(), sloppy, jumpingClock());
    const findings = findingsOf(results);
    expect(findings.undecided).toBe(true);
    const row = judgeCase({ name: 'c', why: '', settings: sloppy, seeds: [1], mustFind: [], mustNotFind: ['not-linearizable'], recordOnly: false }, [{ seed: 1, dir: '/r/1', ...findings }]);
    expect(row.verdict).toBe('undecided');
    expect(row.found).toContain('linearizability undecided (1/1)');
  });
});

describe('a whole run whose key the checker could not decide (the memory budget reached)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'godist-undecided-run-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => {
    delete systems['fake'];
  });

  async function runWithBudget(expect_: string[]) {
    systems['fake'] = fakeStore(0).system;
    const settings = resolveSettings({ system: 'fake', nodes: 3, nemesis: [], concurrency: 3, rate: 300, timeLimit: 1, keys: 1, checkMemoryBudget: 1, expect: expect_ });
    return runTest(settings, { resultsRoot: root });
  }

  it('says undecided in results.json, the terminal and the report, and exits 0 when nothing promised depends on it', async () => {
    const { dir, results } = await runWithBudget([]);
    const lin = results.checks['linearizable']!;
    expect(lin.decided).toBe(false);
    expect(isUndecided(lin)).toBe(true);
    expect(results.valid).toBe(true);
    expect(exitCodeOf(results.valid)).toBe(0);
    expect(formatSummary(results, dir)).toMatch(/^linearizable\s+no\s+undecided\s+undecided \(nothing promised depends on it\)$/m);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<td class="num">undecided</td>');
  });

  it('exits 3 when the run is held to linearizability', async () => {
    const { results } = await runWithBudget(['linearizable']);
    expect(results.checks['linearizable']!.valid).toBe('unknown');
    expect(results.valid).toBe('unknown');
    expect(exitCodeOf(results.valid)).toBe(3);
  });
});
