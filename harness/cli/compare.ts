import path from 'node:path';
import type { CommandModule } from 'yargs';
import { emphasize, wantsColour } from './emphasis.js';
import { formatCompareTable } from '../report/compare-page.js';
import { defaultResultsRoot } from '../run/folder.js';
import { compareSettings, predictSettings } from '../run/compare-settings.js';
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
      withRunOptions(y)
        .option('settings', {
          type: 'string',
          demandOption: true,
          requiresArg: true,
          describe: 'comma-separated [system:]SETTING entries, e.g. 3/1/1,3/2/2/strict/sync (godist: N/R/W[/strict|sloppy][/sync|async|rr-off][/durable]); what an entry does not name comes from the other flags',
        })
        .option('predict', {
          type: 'string',
          requiresArg: true,
          describe: "comma-separated N/R/W settings not to run but to predict from the runs' measured latencies (PBS's WARS model), e.g. 3/1/2,5/2/2; marked predicted",
        }),
      [
        ['godist compare --settings 3/1/1,3/1/3,3/2/2,3/3/1 --nemesis partition', 'the same partitions, four quorum settings side by side'],
        ['godist compare --settings 3/1/1,3/2/2 --predict 3/1/2,5/2/2', 'and what PBS predicts for two settings not run, from the latencies measured'],
        ['godist compare --settings etcd:linearizable,etcd:serializable,3/2/2/strict/sync/durable --nemesis partition', 'consensus beside quorums'],
      ],
    ) as never,
  async handler(argv) {
    const base = settingsFromArgs(argv);
    const plan = compareSettings(base, String(argv['settings']));
    const predict = typeof argv['predict'] === 'string' ? argv['predict'] : undefined;
    // A bad --predict entry is the user's mistake: said before anything runs.
    if (predict !== undefined) predictSettings(base, predict, plan);
    const { runCompare } = await import('../run/compare.js');
    const { dir, rows, predicted, exitCode } = await runCompare(base, String(argv['settings']), {
      resultsRoot: typeof argv['resultsDir'] === 'string' ? argv['resultsDir'] : defaultResultsRoot(),
      progress: process.stderr,
      ...(predict !== undefined ? { predict } : {}),
    });
    process.stdout.write(emphasize(`\n${formatCompareTable(rows, predicted)}\ncomparison: ${path.join(dir, 'compare.html')}\n`, wantsColour(process.stdout)));
    process.exitCode = exitCode;
  },
};
