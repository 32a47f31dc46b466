/** What every command's --help ends with: a few examples and the exit codes, the same everywhere. */
import type { Argv } from 'yargs';

export const EXIT_CODES =
  'Exit codes: 0 every promise held · 1 a promise was broken · 2 bad usage or bad input (one line says what) · ' +
  '3 the checker could not decide where a promise depends on it (never read as a pass) · 4 godist itself failed (a bug: a stack trace follows)';

export function withHelp<T>(y: Argv<T>, examples: readonly [command: string, what: string][]): Argv<T> {
  let out = y;
  for (const [command, what] of examples) out = out.example(command, what);
  return out.epilogue(EXIT_CODES);
}
