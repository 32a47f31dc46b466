import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRunFolder, pointLatestAt, writeJson } from '../run/folder.js';
import { writeIndex } from '../run/results-index.js';
import { preflight } from '../run/run-settings.js';
import { runTest } from '../run/run.js';
import type { RegressCase } from './expectations.js';
import { findingsOf } from './findings.js';
import { formatRegressTable, judgeCase, regressExitCode, type CaseRow, type SeedOutcome } from './judge.js';
import { buildRegressPage } from './regress-page.js';

export interface RegressOptions {
  resultsRoot: string;
  command: string;
  /** One line per finished run goes here. */
  log?: (line: string) => void;
}

export interface RegressOutcome {
  dir: string;
  rows: CaseRow[];
  exitCode: number;
}

/**
 * Runs every case over its seeds, one run at a time (the machine is small and runs must not skew
 * each other's timing), then judges each case and writes regress.json and regress.html beside a
 * runs/ folder holding every run.
 */
export async function runRegress(cases: readonly RegressCase[], o: RegressOptions): Promise<RegressOutcome> {
  preflight(cases.map((c) => c.settings));
  const dir = createRunFolder(o.resultsRoot, 'regress');
  const runsRoot = path.join(dir, 'runs');
  const startedAt = new Date().toISOString();
  const runs: Record<string, SeedOutcome[]> = {};
  const rows: CaseRow[] = [];
  for (const c of cases) {
    runs[c.name] = [];
    for (const seed of c.seeds) {
      const began = Date.now();
      const { dir: runDir, results } = await runTest({ ...c.settings, seed }, { resultsRoot: runsRoot, label: c.name });
      const findings = findingsOf(results);
      runs[c.name]!.push({ seed, dir: runDir, ...findings });
      o.log?.(
        `${c.name} seed ${seed}: ${findings.found.length > 0 ? `found ${findings.found.join(', ')}` : 'found nothing'}` +
          `${findings.undecided ? ' (linearizability undecided)' : ''} in ${((Date.now() - began) / 1000).toFixed(1)} s`,
      );
    }
    rows.push(judgeCase(c, runs[c.name]!));
  }
  const exitCode = regressExitCode(rows);
  writeJson(path.join(dir, 'regress.json'), { startedAt, command: o.command, exitCode, rows, runs });
  writeFileSync(path.join(dir, 'regress.txt'), formatRegressTable(rows));
  writeFileSync(path.join(dir, 'regress.html'), buildRegressPage({ startedAt, command: o.command, rows, runs, dir }));
  pointLatestAt(o.resultsRoot, dir);
  writeIndex(o.resultsRoot);
  return { dir, rows, exitCode };
}
