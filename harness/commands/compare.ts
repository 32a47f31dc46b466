import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { readHistoryFile, writeReport } from '../report/build-report.js';
import { applySetting, buildCompare, compareExitCode, compareRow, formatCompareTable, parseSettingsList, SETTINGS_SYNTAX, type CompareInput, type CompareRow } from '../report/compare-page.js';
import { writeIndex } from '../report/index-page.js';
import { defaultResultsRoot, toolVersion, writeJson } from '../results-folder.js';
import { runTest } from '../run.js';
import { settingsLabel, settingsProblems, type RunSettings } from '../settings.js';
import { UsageError } from '../usage-error.js';
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

/** `results/<stamp>-compare-<workload>-<settings>-<faults>/` with the runs under runs/. */
function createCompareFolder(root: string, label: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  let dir = path.join(root, `${stamp}-compare-${label}`);
  for (let n = 2; existsSync(dir); n++) dir = path.join(root, `${stamp}-compare-${label}-${n}`);
  mkdirSync(path.join(dir, 'runs'), { recursive: true });
  return dir;
}

function compareCommandLine(base: RunSettings, text: string): string {
  return reproduceCommand(base).replace(/^npx godist run/, 'npx godist compare').replace(/ -N \d+ -R \d+ -W \d+/, ` --settings ${text}`);
}

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
    const base = settingsFromArgs(argv);
    const plan = compareSettings(base, argv.settings);
    const root = argv.resultsDir ?? defaultResultsRoot();
    const faults = base.nemesis.length > 0 ? base.nemesis.join('+') : 'none';
    const dir = createCompareFolder(root, `${base.workload}-${plan.map((p) => settingsLabel(p.settings)).join('_')}-${faults}`);
    const runsRoot = path.join(dir, 'runs');
    const input: CompareInput = { command: compareCommandLine(base, argv.settings), startedAt: new Date().toISOString(), base, rows: [] };
    const save = () => {
      writeJson(path.join(dir, 'compare.json'), { tool: 'godist', version: toolVersion(), ...input });
      writeFileSync(path.join(dir, 'compare.html'), buildCompare(input));
    };
    for (const [i, { text, settings }] of plan.entries()) {
      process.stderr.write(`\ngodist compare: setting ${i + 1}/${plan.length}: ${text}\n`);
      const { dir: runDir, results } = await runTest(settings, {
        resultsRoot: runsRoot,
        progress: process.stderr,
        command: reproduceCommand(settings),
        label: `${i + 1}-${settings.workload}`,
      });
      writeReport(runDir);
      const row: CompareRow = compareRow({
        text,
        folder: path.relative(dir, runDir).split(path.sep).join('/'),
        settings,
        history: readHistoryFile(path.join(runDir, 'history.jsonl')),
        results,
      });
      input.rows.push(row);
      save();
    }
    writeIndex(root);
    process.stdout.write(`\n${formatCompareTable(input.rows)}\ncomparison: ${path.join(dir, 'compare.html')}\n`);
    process.exitCode = compareExitCode(input.rows);
  },
};
