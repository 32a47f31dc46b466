import type { CommandModule } from 'yargs';

/**
 * `godist node ...`: runs one reference node. The node's flags are parsed by node/flags.ts (the
 * single source of them) from the raw arguments after the word `node`, so that `godist node` and
 * `node dist/node/main.js` accept exactly the same flags and report the same errors (one line on
 * stderr, exit code 2). cli.ts calls `runNodeCommand` before loading any other command, so a node
 * starts as fast as main.js; the yargs entry below only lists the command in `godist --help`.
 */
export async function runNodeCommand(args: readonly string[]): Promise<void> {
  const { runNode } = await import('../../node/run.js');
  await runNode(args);
}

export const nodeCommand: CommandModule = {
  command: 'node',
  describe: 'run one GoDist reference node (godist node --help lists its flags)',
  builder: (y) => y.strict(false).help(false).version(false).parserConfiguration({ 'unknown-options-as-args': true }),
  handler: async () => {
    const at = process.argv.indexOf('node', 2);
    await runNodeCommand(at === -1 ? [] : process.argv.slice(at + 1));
  },
};
