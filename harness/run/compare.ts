import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCompare, compareExitCode, compareRow, withPrediction, type CompareInput, type CompareRow, type PredictedRow } from '../report/compare-page.js';
import { compareSettings, predictSettings } from './compare-settings.js';
import { comparePredictions, runStaleness, type RunStaleness } from './predict-staleness.js';
import { createRunFolder, toolVersion, writeJson } from './folder.js';
import { writeIndex } from './results-index.js';
import { describeRun, preflight, reproduceCommand, systemOf } from './run-settings.js';
import { runTest } from './run.js';
import type { RunSettings } from './settings.js';

export interface CompareOutcome {
  dir: string;
  rows: CompareRow[];
  /** The settings of --predict, predicted from the runs' latencies. */
  predicted: PredictedRow[];
  exitCode: number;
}

/**
 * Runs each setting one after another with the same workload, seed and fault schedule (the base
 * settings), each run under `<compare folder>/runs/`, and writes compare.json and compare.html in
 * the compare folder after every run (so a comparison cut short still shows what it has).
 */
export async function runCompare(
  base: RunSettings,
  settingsText: string,
  options: { resultsRoot: string; progress?: NodeJS.WriteStream; /** `--predict`: N/R/W settings predicted, not run. */ predict?: string },
): Promise<CompareOutcome> {
  const plan = compareSettings(base, settingsText);
  const toPredict = options.predict !== undefined ? predictSettings(base, options.predict, plan) : [];
  preflight(plan.map((p) => p.settings));
  const faults = base.nemesis.length > 0 ? base.nemesis.join('+') : 'none';
  const labels = plan.map((p) => {
    const label = systemOf(p.settings).label(p.settings.system);
    const name = p.settings.system.name;
    return name === 'godist' || label.startsWith(`${name}-`) ? label : `${name}-${label}`;
  });
  const dir = createRunFolder(options.resultsRoot, `compare-${base.workload}-${labels.join('_')}-${faults}`);
  const runsRoot = path.join(dir, 'runs');
  const command = `${reproduceCommand(base, 'compare')} --settings ${settingsText}${options.predict !== undefined ? ` --predict ${options.predict}` : ''}`;
  const input: CompareInput = { command, startedAt: new Date().toISOString(), base, rows: [], predicted: [] };
  // Each run's latencies stay in hand: a run whose own cannot predict, and each --predict setting, draw on them all.
  const measured: RunStaleness[] = [];
  const save = () => {
    writeJson(path.join(dir, 'compare.json'), { tool: 'godist', version: toolVersion(), ...input });
    writeFileSync(path.join(dir, 'compare.html'), buildCompare(input));
  };
  for (const [i, { text, settings }] of plan.entries()) {
    options.progress?.write(`\ngodist compare: setting ${i + 1}/${plan.length}: ${text}\n`);
    const { dir: runDir, results, history } = await runTest(settings, {
      resultsRoot: runsRoot,
      ...(options.progress ? { progress: options.progress } : {}),
      command: reproduceCommand(settings),
      label: `${i + 1}-${settings.workload}`,
    });
    const staleness = runStaleness(settings, history);
    measured.push(staleness);
    input.rows.push(compareRow({ text, folder: path.relative(dir, runDir).split(path.sep).join('/'), settings, system: describeRun(settings), history, results, prediction: staleness.prediction }));
    const pooled = comparePredictions(measured, toPredict, base.seed);
    pooled.runs.forEach((p, r) => {
      if (p) input.rows[r] = withPrediction(input.rows[r]!, p);
    });
    input.predicted = pooled.predicted;
    save();
  }
  writeIndex(options.resultsRoot);
  return { dir, rows: input.rows, predicted: input.predicted ?? [], exitCode: compareExitCode(input.rows) };
}
