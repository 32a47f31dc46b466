import type { CommandModule } from 'yargs';
import { emphasize, wantsColour } from './emphasis.js';
import { defaultResultsRoot } from '../run/folder.js';
import { reproduceCommand } from '../run/run-settings.js';
import { exitCodeOf, formatSummary } from '../report/summary.js';
import { withHelp } from './help.js';
import { settingsFromArgs, withRunOptions, type RunArgs } from './run-options.js';

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'launch a cluster, run a workload under faults, check the history and write a results folder',
  builder: (y) =>
    withHelp(withRunOptions(y), [
      ['godist run', "5 nodes, N=3 R=2 W=2, the register workload for 30 s under kills, pauses and partitions"],
      ['godist run -N 3 -R 1 -W 1 --nemesis partition --time-limit 10', 'a weak quorum under partitions: stale reads, allowed by the settings'],
      ['godist run --quorum strict --read-repair sync --durable --expect linearizable', 'hold the strongest settings to linearizability'],
      ["godist run --system command --node-command 'my-node --id {id} --addr {addr} [--seed {seed}]' --nemesis kill,pause", 'a node of your own (docs/your-own-node.md)'],
    ]) as never,
  async handler(argv) {
    const settings = settingsFromArgs(argv);
    // Loaded here, not at start-up: the cluster machinery is most of the CLI's load time.
    const { runTest } = await import('../run/run.js');
    const { dir, results } = await runTest(settings, {
      resultsRoot: typeof argv['resultsDir'] === 'string' ? argv['resultsDir'] : defaultResultsRoot(),
      progress: process.stderr,
      command: reproduceCommand(settings),
    });
    process.stdout.write(emphasize(formatSummary(results, dir), wantsColour(process.stdout)));
    process.exitCode = exitCodeOf(results.valid);
  },
};
