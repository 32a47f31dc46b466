/**
 * The argument parser's complaints, said in our words: one line that names what was wrong and what
 * would be right (the closest flag, the commands there are), never the parser's own phrasing. Pure:
 * the line to print, starting `godist` or `godist COMMAND`.
 */

export const COMMANDS = ['node', 'run', 'check', 'compare', 'regress', 'report'] as const;

export interface ParseContext {
  /** The command the user named, if any (the first word that is not a flag). */
  command: string | undefined;
  /** The flags the command takes, as the user types them (without dashes). */
  flags: readonly string[];
}

export function explainParserError(message: string, ctx: ParseContext): string {
  const where = ctx.command && (COMMANDS as readonly string[]).includes(ctx.command) ? `godist ${ctx.command}` : 'godist';
  let m: RegExpExecArray | null;
  if ((m = /^Unknown arguments?: (.+)$/s.exec(message))) {
    const words = m[1]!.split(', ').map((w) => w.trim());
    const first = words[0]!;
    if (!ctx.command || !(COMMANDS as readonly string[]).includes(ctx.command)) {
      return `godist: unknown command "${ctx.command ?? first}" (commands: ${COMMANDS.join(', ')}; godist --help says what each does)`;
    }
    const flag = words.find((w) => /-/.test(w) || /^[a-z]/.test(w)) ?? first;
    if (!ctx.flags.length || /^\d/.test(flag)) return `${where}: unexpected "${flag}" (see ${where} --help)`;
    const asTyped = flag.length === 1 ? `-${flag}` : `--${flag}`;
    const near = closest(flag, ctx.flags);
    return `${where}: unknown option ${asTyped}${near ? ` (did you mean ${near.length === 1 ? `-${near}` : `--${near}`}?)` : ''}; ${where} --help lists them`;
  }
  if (/^Not enough non-option arguments/.test(message)) {
    if (ctx.command === 'check') return 'godist check needs a PATH: a results folder, a history.jsonl, a Jepsen EDN history or a Jepsen log';
    if (ctx.command === 'report') return 'godist report needs a PATH: a run folder, results/latest, a compare folder or a results folder';
    return `godist: name a command: ${COMMANDS.join(', ')} (godist --help says what each does)`;
  }
  if ((m = /^Missing required arguments?: (.+)$/.exec(message))) {
    const names = m[1]!.split(', ');
    return `${where} needs ${names.map((n) => `--${n}`).join(' and ')} (see ${where} --help)`;
  }
  if ((m = /Argument: ([\w-]+), Given: "?([^",]*)"?, Choices: (.+)$/m.exec(message))) {
    const choices = m[3]!.split(', ').map((c) => c.replace(/"/g, ''));
    return `${where}: --${m[1]} ${m[2]} is not one of ${choices.join(', ')}`;
  }
  if ((m = /^Not enough arguments following: (.+)$/.exec(message))) return `${where}: ${m[1]!.length === 1 ? '-' : '--'}${m[1]} needs a value`;
  if ((m = /^Arguments (.+) and (.+) are mutually exclusive$/.exec(message))) return `${where}: --${m[1]} and --${m[2]} cannot be given together`;
  return `${where}: ${message.split('\n')[0]} (see ${where} --help)`;
}

/** The known flag nearest to what was typed, when it is near enough to be what was meant. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(typed.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(typed.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
