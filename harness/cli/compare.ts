import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { applySetting, parseSettingsList, SETTINGS_SYNTAX } from '../run/compare-settings.js';
import { buildCompare, compareExitCode, compareRow, formatCompareTable, type CompareInput, type CompareRow } from '../report/compare-page.js';
import { writeIndex } from '../report/index-page.js';
import { createRunFolder, defaultResultsRoot, toolVersion, writeJson } from '../run/folder.js';
import { settingsLabel, settingsProblems, type RunSettings } from '../run/settings.js';
import { UsageError } from '../shared/usage-error.js';
import { workloadNames } from '../../workloads/index.js';
import { reproduceCommand, settingsFromArgs, withRunOptions, type RunArgs } from './run-options.js';

type CompareArgs = RunArgs & { resultsDir?: string; settings: string };

/** Every setting to run, validated before anything starts: a bad entry is one line and exit 2. */
export function compareSettings(base: RunSettings, text: string): { text: string; settings: RunSettings }[] {
  return parseSettingsList(text).map((entry) => {
    const settings = applySetting(base, entry);
    const problems = settingsProblems(settings, workloadNames);
    if (problems.length > 0) throw new UsageError(`--settings entry "${entry.text}": ${problems[0]}`);
    return { text: entry.text, settings };
  });
}

function compareCommandLine(base: RunSettings, text: string): string {
  return reproduceCommand(base).replace(/^npx godist run/, 'npx godist compare').replace(/ -N \d+ -R \d+ -W \d+/, ` --settings ${text}`);
}

export interface CompareOutcome {
  dir: string;
  rows: CompareRow[];
  exitCode: number;
}

/**
 * Runs each setting one after another with the same workload, seed and fault schedule (the base
 * settings), each run under `<compare folder>/runs/`, and writes compare.json and compare.html in
 * the compare folder after every run (so a comparison cut short still shows what it has).
 */
export async function runCompare(base: RunSettings, settingsText: string, options: { resultsRoot: string; progress?: NodeJS.WriteStream }): Promise<CompareOutcome> {
  const plan = compareSettings(base, settingsText);
  const { runTest } = await import('../run/run.js');
  const faults = base.nemesis.length > 0 ? base.nemesis.join('+') : 'none';
  const dir = createRunFolder(options.resultsRoot, `compare-${base.workload}-${plan.map((p) => settingsLabel(p.settings)).join('_')}-${faults}`);
  const runsRoot = path.join(dir, 'runs');
  const input: CompareInput = { command: compareCommandLine(base, settingsText), startedAt: new Date().toISOString(), base, rows: [] };
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
    input.rows.push(compareRow({ text, folder: path.relative(dir, runDir).split(path.sep).join('/'), settings, history, results }));
    save();
  }
  writeIndex(options.resultsRoot);
  return { dir, rows: input.rows, exitCode: compareExitCode(input.rows) };
}

/**
 * `godist compare --settings 3/1/1,3/2/2/strict/sync …`: exit 0 when every setting kept the
 * promises its settings make, 1 when one broke one, 3 when one was undecided (and none broke),
 * 2 for a malformed --settings entry or an impossible setting (before anything runs).
 */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe: 'run several N/R/W settings with the same workload, seed and fault schedule, and lay them side by side',
  builder: (y) =>
    withRunOptions(y).option('settings', {
      type: 'string',
      demandOption: true,
      describe: `comma-separated ${SETTINGS_SYNTAX}; modes not named come from --quorum, --read-repair, --durable`,
    }) as never,
  async handler(argv) {
    const { dir, rows, exitCode } = await runCompare(settingsFromArgs(argv), argv.settings, {
      resultsRoot: argv.resultsDir ?? defaultResultsRoot(),
      progress: process.stderr,
    });
    process.stdout.write(`\n${formatCompareTable(rows)}\ncomparison: ${path.join(dir, 'compare.html')}\n`);
    process.exitCode = exitCode;
  },
};
