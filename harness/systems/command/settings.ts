/**
 * The settings of `--system command`: the command line that starts one node (a template), and the
 * N/R/W handed to it. The harness cannot know what an unknown node promises, so it promises nothing
 * unless the user holds it to something with --expect.
 */
import type { HarnessSettings } from '../../run/settings.js';
import { UsageError } from '../../shared/usage-error.js';
import { GODIST_DEFAULTS, QUORUM_OPTIONS, definedOnly, parseGodistSetting, quorumProblems } from '../godist/settings.js';
import type { SystemOption, SystemSettings } from '../types.js';
import { PLACEHOLDERS, templateProblems } from './template.js';

export interface CommandSettings extends SystemSettings {
  /** The command that starts one node, with {placeholders} the harness fills in per node. */
  nodeCommand: string;
  /** The folder the command runs in (default: where godist was started). */
  cwd: string;
  N: number;
  R: number;
  W: number;
}

export const COMMAND_OPTIONS: readonly SystemOption[] = [
  {
    flag: 'node-command',
    key: 'nodeCommand',
    type: 'string',
    describe: `the command that starts one node (with --system command); placeholders: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
  },
  { flag: 'node-cwd', key: 'cwd', type: 'string', describe: 'the folder --node-command runs in (default: the current one)' },
  ...QUORUM_OPTIONS,
];

export const COMMAND_EXAMPLE = "--node-command 'go run ./cmd/godist -id {id} -addr {addr} -seed {seed} -N {N} -R {R} -W {W}'";

export function commandSettings(raw: Record<string, unknown>, harness: Pick<HarnessSettings, 'nodes' | 'nemesis'>): CommandSettings {
  const { N, R, W } = GODIST_DEFAULTS;
  const s = { N, R, W, cwd: process.cwd(), ...definedOnly(raw), name: 'command' } as CommandSettings;
  if (typeof s.nodeCommand !== 'string' || s.nodeCommand.trim() === '') {
    throw new UsageError(`--system command needs the command that starts one node, e.g. ${COMMAND_EXAMPLE} (docs/your-own-node.md)`);
  }
  const problems = [...templateProblems(s.nodeCommand), ...quorumProblems(s, harness.nodes)];
  const linkFaults = harness.nemesis.filter((f) => f === 'partition' || f === 'delay');
  if (linkFaults.length > 0 && !/\{(peers|peer-addr)\}/.test(s.nodeCommand)) {
    problems.push(
      `--nemesis ${linkFaults.join(',')} needs nodes that dial their peers at the addresses the harness gives (its proxies): put {peers} or [--peer {peer-id}={peer-addr}] in --node-command, or leave out ${linkFaults.join(' and ')}`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems[0]!);
  return s;
}

export function commandFlags(s: CommandSettings): string[] {
  return [`--node-command ${shellQuote(s.nodeCommand)}`, ...(s.cwd !== process.cwd() ? [`--node-cwd ${shellQuote(s.cwd)}`] : []), `-N ${s.N} -R ${s.R} -W ${s.W}`];
}

/** A word as a POSIX shell reads it back: bare when it can be, else in single quotes. */
export function shellQuote(text: string): string {
  return /^[\w./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function commandLabel(s: CommandSettings): string {
  const words = s.nodeCommand.trim().split(/\s+/);
  // `node dist/x.js`, `go run ./cmd/y`: the program's own name says more than the interpreter's.
  const program = (words.find((w, i) => i > 0 && !w.startsWith('-') && /[/.]/.test(w)) ?? words[0]!).split('/').pop()!;
  return `cmd-${program.replace(/\.[a-z]+$/, '').replace(/[^\w.-]/g, '') || 'node'}-n${s.N}r${s.R}w${s.W}`;
}

export function describeCommand(s: CommandSettings): [string, string][] {
  return [
    ['system', "command (a node that speaks the seed's HTTP API)"],
    ['node command', s.nodeCommand],
    ['runs in', s.cwd],
    ['N / R / W', `${s.N} / ${s.R} / ${s.W} (R + W ${s.R + s.W > s.N ? '>' : '≤'} N)`],
  ];
}

/** `--settings command:3/1/1`: N/R/W as godist's entries give them (no modes: the command sets its own). */
export function parseCommandSetting(entry: string): Record<string, unknown> {
  const parsed = parseGodistSetting(entry);
  if (Object.keys(parsed).some((k) => !['N', 'R', 'W'].includes(k))) throw new UsageError('takes N/R/W only (the node command sets its own modes)');
  return parsed;
}
