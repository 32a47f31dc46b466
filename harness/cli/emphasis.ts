/**
 * What a terminal reader must not miss, in colour: a broken promise or a regression in red, an
 * undecided verdict in yellow, a kept verdict in green. Only on a terminal, and never when NO_COLOR is
 * set (no-color.org) or the terminal is dumb; piped output stays plain text. Applied to finished
 * text, after the tables are laid out, so colour codes never skew a column.
 */
const RED = '\x1b[1;31m';
const YELLOW = '\x1b[33m';
const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';

export function wantsColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['NO_COLOR'] === undefined && env['TERM'] !== 'dumb';
}

export function emphasize(text: string, colour: boolean): string {
  if (!colour) return text;
  return text
    .replace(/\b(BROKEN(?: PROMISE)?|REGRESSION|a promise was broken)\b/g, `${RED}$1${RESET}`)
    .replace(/\b(undecided(?: \([^)]*\))?)/g, `${YELLOW}$1${RESET}`)
    .replace(/^(verdict: every promise held)/m, `${GREEN}$1${RESET}`);
}
