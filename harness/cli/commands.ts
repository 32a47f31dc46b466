import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { checkCommand } from './check.js';
import { compareCommand } from './compare.js';
import { nodeCommand } from './node.js';
import { regressCommand } from './regress.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { UsageError } from '../shared/usage-error.js';
import { EXIT_CODES } from './help.js';
import { explainParserError } from './parser-errors.js';

/**
 * Exit codes, everywhere: 0 every promise held; 1 a promise was broken; 2 bad usage or input (one
 * line on stderr); 3 the checker could not decide; 4 the tool itself failed (a stack trace follows).
 */
function usage(message: string): never {
  process.stderr.write(`godist: ${message}\n`);
  process.exit(2);
}

/** The first word after `godist` that is not a flag: the command the user meant. */
function commandWord(): string | undefined {
  return hideBin(process.argv).find((a) => !a.startsWith('-'));
}

const MODULES: Record<string, CommandModule<object, never>> = {
  run: runCommand as never,
  check: checkCommand as never,
  compare: compareCommand as never,
  regress: regressCommand as never,
  report: reportCommand as never,
};

/** The flags a command takes, as a user types them: kebab-case names and one-letter flags. */
function flagsOf(command: string | undefined): string[] {
  const module = command ? MODULES[command] : undefined;
  if (!module || typeof module.builder !== 'function') return [];
  const y = yargs([]);
  module.builder(y as never);
  const keys = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key;
  return Object.keys(keys).filter((k) => k.length === 1 || !/[A-Z]/.test(k));
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
      .demandCommand(1, 'Not enough non-option arguments')
      .strict()
      .parserConfiguration({ 'short-option-groups': false })
      .fail((message, error) => {
        if (error) throw error;
        const command = commandWord();
        process.stderr.write(`${explainParserError(message ?? '', { command, flags: flagsOf(command) })}\n`);
        process.exit(2);
      })
      .epilogue(`godist COMMAND --help shows a command's options and examples. ${EXIT_CODES}`)
      .help()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) usage(error.message);
    // A few of the parser's complaints arrive thrown rather than through fail().
    if (error instanceof Error && error.name === 'YError') {
      const command = commandWord();
      process.stderr.write(`${explainParserError(error.message, { command, flags: flagsOf(command) })}\n`);
      process.exit(2);
    }
    process.stderr.write(`godist: internal error (this is a bug in godist, not in your settings)\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(4);
  }
}
