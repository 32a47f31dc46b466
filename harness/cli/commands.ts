import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './check.js';
import { compareCommand } from './compare.js';
import { nodeCommand } from './node.js';
import { regressCommand } from './regress.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { UsageError } from '../shared/usage-error.js';

/**
 * Exit codes, everywhere: 0 every promise held; 1 a promise was broken; 2 bad usage or input (one
 * line on stderr); 3 the checker could not decide; 4 the tool itself failed (a stack trace follows).
 */
function usage(message: string): never {
  process.stderr.write(`godist: ${message}\n`);
  process.exit(2);
}

/** Every command, dispatched by yargs. */
export async function main(): Promise<void> {
  try {
    await yargs(hideBin(process.argv))
      .scriptName('godist')
      .command(nodeCommand)
      .command(runCommand)
      .command(checkCommand)
      .command(compareCommand)
      .command(regressCommand)
      .command(reportCommand)
      .demandCommand(1, 'name a command: node, run, check, compare, regress or report')
      .strict()
      .parserConfiguration({ 'short-option-groups': false })
      .fail((message, error) => {
        if (error) throw error;
        usage(message ?? 'bad usage (see godist --help)');
      })
      .help()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) usage(error.message);
    process.stderr.write(`godist: internal error (this is a bug in godist, not in your settings)\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(4);
  }
}
