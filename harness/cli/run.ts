import type { CommandModule } from 'yargs';
import { defaultResultsRoot } from '../run/folder.js';
import { reproduceCommand } from '../run/run-settings.js';
import { exitCodeOf, formatSummary } from '../report/summary.js';
import { settingsFromArgs, withRunOptions, type RunArgs } from './run-options.js';

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'launch a cluster, run a workload under faults, check the history and write a results folder',
  builder: (y) => withRunOptions(y) as never,
  async handler(argv) {
    const settings = settingsFromArgs(argv);
    // Loaded here, not at start-up: the cluster machinery is most of the CLI's load time.
    const { runTest } = await import('../run/run.js');
    const { dir, results } = await runTest(settings, {
      resultsRoot: typeof argv['resultsDir'] === 'string' ? argv['resultsDir'] : defaultResultsRoot(),
      progress: process.stderr,
      command: reproduceCommand(settings),
    });
    process.stdout.write(formatSummary(results, dir));
    process.exitCode = exitCodeOf(results.valid);
  },
};
