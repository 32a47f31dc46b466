import path from 'node:path';
import type { CommandModule } from 'yargs';
import { emphasize, wantsColour } from './emphasis.js';
import { formatCompareTable } from '../report/compare-page.js';
import { defaultResultsRoot } from '../run/folder.js';
import { compareSettings } from '../run/compare-settings.js';
import { withHelp } from './help.js';
import { settingsFromArgs, withRunOptions, type RunArgs } from './run-options.js';

/**
 * `godist compare --settings 3/1/1,3/2/2/strict/sync …`: exit 0 when every setting kept the
 * promises its settings make, 1 when one broke one, 3 when one was undecided (and none broke),
 * 2 for a malformed --settings entry or an impossible setting (before anything runs).
 */
export const compareCommand: CommandModule<object, RunArgs> = {
  command: 'compare',
  describe: 'run several settings (of one system or several) with the same workload, seed and fault schedule, and lay them side by side',
  builder: (y) =>
    withHelp(
      withRunOptions(y).option('settings', {
        type: 'string',
        demandOption: true,
        requiresArg: true,
        describe: 'comma-separated [system:]SETTING entries, e.g. 3/1/1,3/2/2/strict/sync (godist: N/R/W[/strict|sloppy][/sync|async|rr-off][/durable]); what an entry does not name comes from the other flags',
      }),
      [
        ['godist compare --settings 3/1/1,3/1/3,3/2/2,3/3/1 --nemesis partition', 'the same partitions, four quorum settings side by side'],
        ['godist compare --settings 3/2/2,3/2/2/strict/sync/durable --time-limit 20', "the seed's defaults beside the strongest settings"],
      ],
    ) as never,
  async handler(argv) {
    const base = settingsFromArgs(argv);
    compareSettings(base, String(argv['settings']));
    const { runCompare } = await import('../run/compare.js');
    const { dir, rows, exitCode } = await runCompare(base, String(argv['settings']), {
      resultsRoot: typeof argv['resultsDir'] === 'string' ? argv['resultsDir'] : defaultResultsRoot(),
      progress: process.stderr,
    });
    process.stdout.write(emphasize(`\n${formatCompareTable(rows)}\ncomparison: ${path.join(dir, 'compare.html')}\n`, wantsColour(process.stdout)));
    process.exitCode = exitCode;
  },
};
