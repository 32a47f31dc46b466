import type { CommandModule } from 'yargs';
import { exitCodeOf, formatSummary } from '../report/summary.js';
import { defaultResultsRoot } from '../run/folder.js';
import { validateSettings } from '../run/settings.js';
import { workloadNames } from '../../workloads/index.js';
import { reproduceCommand, settingsFromArgs, withRunOptions, type RunArgs } from './run-options.js';

export const runCommand: CommandModule<object, RunArgs & { resultsDir?: string }> = {
  command: 'run',
  describe: 'launch a cluster, run a workload under faults, check the history and write a results folder',
  builder: (y) => withRunOptions(y) as never,
  async handler(argv) {
    const settings = validateSettings(settingsFromArgs(argv), workloadNames);
    // Loaded here, not at start-up: the cluster machinery is most of the CLI's load time.
    const { runTest } = await import('../run/run.js');
    const { dir, results } = await runTest(settings, {
      resultsRoot: argv.resultsDir ?? defaultResultsRoot(),
      progress: process.stderr,
      command: reproduceCommand(settings),
    });
    process.stdout.write(formatSummary(results, dir));
    process.exitCode = exitCodeOf(results.valid);
  },
};
