import path from 'node:path';
import type { CommandModule } from 'yargs';
import { emphasize, wantsColour } from './emphasis.js';
import { DEFAULT_EXPECTATIONS, loadExpectations } from '../regress/expectations.js';
import { formatRegressTable } from '../regress/judge.js';
import { defaultResultsRoot } from '../run/folder.js';
import { UsageError } from '../shared/usage-error.js';
import { resolveSettings } from '../run/run-settings.js';
import type { RunSettings } from '../run/settings.js';
import { systemNamed } from '../systems/index.js';
import { withHelp } from './help.js';

/** The committed cases' names, for --help (none when the file cannot be read: the handler will say why). */
function caseNames(): string[] {
  try {
    return loadExpectations(DEFAULT_EXPECTATIONS).map((c) => c.name);
  } catch {
    return [];
  }
}

interface RegressArgs {
  file?: string;
  case?: string[];
  seeds?: string;
  nodeArg?: string[];
  resultsDir?: string;
}

export const regressCommand: CommandModule<object, RegressArgs> = {
  command: 'regress',
  describe: 'run the committed consistency expectations (CI): must-find anomalies found, must-not-find ones absent',
  builder: (y) =>
    withHelp(
      y
        .option('file', { type: 'string', requiresArg: true, describe: "expectations file (default: the package's workloads/regressions.json)" })
        .option('case', { type: 'string', array: true, requiresArg: true, describe: `run only these cases (repeatable): ${caseNames().join(', ')}` })
        .option('seeds', { type: 'string', requiresArg: true, describe: "override every case's seeds, e.g. 1-20 (to measure detection power)" })
        .option('node-arg', { type: 'string', array: true, requiresArg: true, describe: 'extra flag for every node of every case whose system takes node flags, e.g. --node-arg=--read-repair=off' })
        .option('results-dir', { type: 'string', requiresArg: true, describe: 'where the regress folder goes (default ./results)' }),
      [
        ['godist regress', "every case over its seeds, as CI runs it"],
        ['godist regress --case weak-quorum-stale-reads --seeds 1-20', "one case's detection power over 20 seeds"],
        ['godist regress --node-arg=--unsafe-skip-replay', 'break the node on purpose and watch the regression catch it'],
      ],
    ) as never,
  async handler(argv) {
    let cases = loadExpectations(path.resolve(argv.file ?? DEFAULT_EXPECTATIONS));
    const only = argv.case ?? [];
    const unknown = only.filter((name) => !cases.some((c) => c.name === name));
    if (unknown.length > 0) throw new UsageError(`unknown case "${unknown[0]}" (known: ${cases.map((c) => c.name).join(', ')})`);
    if (only.length > 0) cases = cases.filter((c) => only.includes(c.name));
    const seeds = argv.seeds === undefined ? undefined : parseSeeds(argv.seeds);
    cases = cases.map((c) => ({
      ...c,
      seeds: seeds ?? c.seeds,
      mustFind: c.mustFind.map((m) => ({ ...m, atLeast: Math.min(m.atLeast, (seeds ?? c.seeds).length) })),
      settings: withNodeArgs(c.settings, argv.nodeArg ?? []),
    }));
    const { runRegress } = await import('../regress/run-regress.js');
    const { dir, rows, exitCode } = await runRegress(cases, {
      resultsRoot: argv.resultsDir ?? defaultResultsRoot(),
      command: ['godist regress', ...process.argv.slice(3)].join(' '),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(emphasize(`\n${formatRegressTable(rows)}\nresults: ${dir}\nreport:  ${path.join(dir, 'regress.html')}\n`, wantsColour(process.stdout)));
    process.exitCode = exitCode;
  },
};

/** `1-20` or `1,4,9` → seeds. */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').flatMap((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new UsageError(`--seeds "${text}" must look like 1-20 or 1,4,9`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--seeds range ${part.trim()} runs backwards`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
  return [...new Set(seeds)];
}

/** `--node-arg` reaches the cases whose system takes node flags (GoDist's); the others run as written. */
function withNodeArgs(s: RunSettings, extra: readonly string[]): RunSettings {
  const option = systemNamed(s.system.name).options.find((o) => o.flag === 'node-arg');
  if (!option || extra.length === 0) return s;
  const before = Array.isArray(s.system[option.key]) ? (s.system[option.key] as string[]) : [];
  return resolveSettings({ ...s, system: { ...s.system, [option.key]: [...before, ...extra] } });
}
