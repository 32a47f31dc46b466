import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { writeReport } from '../report/build-report.js';
import { readJsonIfThere, readRunFolder } from '../run/folder.js';
import { buildCompare, type CompareInput } from '../report/compare-page.js';
import { writeIndex } from '../run/results-index.js';
import { UsageError } from '../shared/usage-error.js';

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

export const reportCommand: CommandModule<object, { path: string }> = {
  command: 'report <path>',
  describe: "rebuild a run's report.html (a run folder or results/latest), a comparison's compare.html, or results/index.html",
  builder: (y) => y.positional('path', { type: 'string', demandOption: true, describe: 'run folder, results/latest, compare folder or results folder' }) as never,
  handler(argv) {
    for (const file of rebuildReports(argv.path)) process.stdout.write(`${file}\n`);
  },
};
