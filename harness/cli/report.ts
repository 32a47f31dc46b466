import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { emphasize, wantsColour } from './emphasis.js';
import { writeReport } from '../report/build-report.js';
import { readJsonIfThere, readRunFolder } from '../run/folder.js';
import { buildCompare, type CompareInput } from '../report/compare-page.js';
import { writeIndex } from '../run/results-index.js';
import { exitCodeOf, formatSummary } from '../report/summary.js';
import { recheckRunFolder } from '../run/recheck.js';
import { UsageError } from '../shared/usage-error.js';
import { withHelp } from './help.js';

/**
 * `godist report PATH`: rebuilds report.html of a run folder (or `results/latest`), compare.html of
 * a compare folder (and the reports of its runs), or index.html of a results folder.
 */
export function rebuildReports(target: string): string[] {
  if (!existsSync(target)) throw new UsageError(`${target} does not exist (give a run folder, results/latest, a compare folder or a results folder)`);
  if (existsSync(path.join(target, 'history.jsonl'))) return [writeReport(target, readRunFolder(target))];
  const input = readJsonIfThere<CompareInput>(path.join(target, 'compare.json'));
  if (input) {
    const written = input.rows
      .map((r) => path.join(target, r.folder))
      .filter((dir) => existsSync(path.join(dir, 'history.jsonl')))
      .map((dir) => writeReport(dir, readRunFolder(dir)));
    const file = path.join(target, 'compare.html');
    writeFileSync(file, buildCompare(input));
    return [...written, file];
  }
  const index = writeIndex(target);
  return [index];
}

export const reportCommand: CommandModule<object, { path: string; check?: boolean }> = {
  command: 'report <path>',
  describe:
    "rebuild a run's report.html (a run folder or results/latest), a comparison's compare.html, or results/index.html; a run that has no verdict yet (interrupted) is checked first, with its own checks",
  builder: (y) =>
    withHelp(
      y
        .positional('path', { type: 'string', demandOption: true, describe: 'run folder, results/latest, compare folder or results folder' })
        .option('check', { type: 'boolean', describe: "check the run's history again with the run's own checks, even if it has a verdict" }),
      [
        ['godist report results/latest', "the newest run's report; if it was interrupted, its checks run first and the verdict is printed"],
        ['godist report results/2026-11-27T16-29-14-register-n3r2w2-kill --check', 'check a finished run again (e.g. with a newer godist)'],
        ['godist report results', 'rebuild results/index.html'],
      ],
    ) as never,
  async handler(argv) {
    const runFolder = existsSync(path.join(argv.path, 'history.jsonl'));
    if (runFolder && (argv.check === true || !existsSync(path.join(argv.path, 'results.json')))) {
      const { dir, results } = await recheckRunFolder(argv.path);
      process.stdout.write(emphasize(formatSummary(results, dir), wantsColour(process.stdout)));
      process.exitCode = exitCodeOf(results.valid);
      return;
    }
    if (argv.check && !runFolder) throw new UsageError(`--check checks a run folder, and ${argv.path} is not one (it has no history.jsonl)`);
    for (const file of rebuildReports(argv.path)) process.stdout.write(`${file}\n`);
  },
};
