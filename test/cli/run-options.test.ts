import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { settingsFromArgs, withRunOptions } from '../../harness/cli/run-options.js';
import { reproduceCommand, resolveSettings } from '../../harness/run/run-settings.js';
import type { RunSettings } from '../../harness/run/settings.js';

/** The words of a command line as a POSIX shell splits them (single quotes only, as reproduceCommand writes them). */
function words(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

/** The settings `godist run` would run for this command line, parsed as the CLI parses it. */
function parse(command: string): RunSettings {
  const args = words(command.replace(/^npx godist run /, ''));
  const argv = withRunOptions(yargs()).parserConfiguration({ 'short-option-groups': false }).strict().parseSync(args);
  return settingsFromArgs(argv as Record<string, unknown>);
}

describe('the command that repeats a run', () => {
  it.each<[string, Record<string, unknown>]>([
    ['the defaults', {}],
    [
      'every setting changed',
      {
        workload: 'unique-writes',
        nodes: 4,
        N: 2,
        R: 1,
        W: 2,
        quorum: 'strict',
        readRepair: 'off',
        durable: true,
        chaos: true,
        nemesis: ['pause', 'delay'],
        targets: ['one', 'all'],
        nemesisInterval: 1.5,
        timeLimit: 9,
        concurrency: 3,
        rate: 50,
        seed: 11,
        keys: 40,
        keyOps: 250,
        expect: ['linearizable', 'lost-writes'],
        checkTimeLimit: 5,
        checkMemoryBudget: 1500,
        nodeArgs: ['--dead-after-ms', '2000', '--unsafe-skip-replay'],
      },
    ],
    ['no faults', { nemesis: [] }],
    [
      'a node of your own',
      { system: 'command', nodeCommand: "my-node --id {id} --addr {addr} [--seed {seed}] --say 'it''s'", cwd: '/tmp', N: 3, R: 1, W: 1, nemesis: ['kill', 'pause'] },
    ],
    ['etcd, its defaults', { system: 'etcd', workload: 'cas-register', nodes: 3 }],
    ['etcd, every setting of its own changed', { system: 'etcd', reads: 'serializable', heartbeatMs: 20, electionMs: 200, snapshotCount: 500, preVote: true, nemesis: ['partition', 'delay'] }],
  ])('runs the same settings again: %s', (_, flat) => {
    const settings = resolveSettings(flat);
    expect(parse(reproduceCommand(settings))).toEqual(settings);
  });

  it("a flag of another system is one line naming both systems, not a setting silently dropped", () => {
    expect(() => parse('--system command --node-command x-{addr} --quorum strict')).toThrow('--quorum is a setting of --system godist, and this run\'s system is command');
    expect(() => parse('--node-cwd /tmp')).toThrow('--node-cwd is a setting of --system command');
  });
});
