import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runNode } from '../../node/run.js';

/**
 * `godist node ...`: runs one reference node. yargs only dispatches here: the node's flags are parsed
 * by node/flags.ts (the single source of them), from the raw arguments after the word `node`, so that
 * `godist node` and `node dist/node/main.js` accept exactly the same flags and report the same errors.
 */
export const nodeCommand: CommandModule = {
  command: 'node',
  describe: 'run one GoDist reference node (godist node --help lists its flags)',
  builder: (y) => y.strict(false).help(false).version(false).parserConfiguration({ 'unknown-options-as-args': true }),
  handler: async () => {
    const args = hideBin(process.argv);
    const at = args.indexOf('node');
    await runNode(at === -1 ? [] : args.slice(at + 1));
  },
};
