import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';

/**
 * `godist node ...`: runs one reference node. yargs only dispatches here: the node's flags are parsed
 * by node/flags.ts (the single source of them), from the raw arguments after the word `node`, so that
 * `godist node` and `node dist/node/main.js` accept exactly the same flags and report the same errors
 * (one line on stderr, exit code 2). The node's code is loaded only when this command runs.
 */
export const nodeCommand: CommandModule = {
  command: 'node',
  describe: 'run one GoDist reference node (godist node --help lists its flags)',
  builder: (y) => y.strict(false).help(false).version(false).parserConfiguration({ 'unknown-options-as-args': true }),
  handler: async () => {
    const args = hideBin(process.argv);
    const at = args.indexOf('node');
    const { runNode } = await import('../../node/run.js');
    await runNode(at === -1 ? [] : args.slice(at + 1));
  },
};
