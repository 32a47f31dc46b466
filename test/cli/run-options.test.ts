import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { reproduceCommand, settingsFromArgs, withRunOptions, type RunArgs } from '../../harness/cli/run-options.js';
import { DEFAULT_SETTINGS, type RunSettings } from '../../harness/run/settings.js';

/** The settings `godist run` would run for this command line, parsed as the CLI parses it. */
function parse(command: string): RunSettings {
  const args = command.replace(/^npx godist run /, '').split(' ');
  const argv = withRunOptions(yargs()).parserConfiguration({ 'short-option-groups': false }).strict().parseSync(args);
  return settingsFromArgs(argv as unknown as RunArgs);
}

describe('the command that repeats a run', () => {
  it.each<[string, Partial<RunSettings>]>([
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
        expect: ['linearizable', 'lost-writes'],
        checkTimeLimit: 5,
        nodeArgs: ['--dead-after-ms', '2000', '--unsafe-skip-replay'],
      },
    ],
    ['no faults', { nemesis: [] }],
  ])('runs the same settings again: %s', (_, patch) => {
    const settings: RunSettings = { ...DEFAULT_SETTINGS, ...patch };
    expect(parse(reproduceCommand(settings))).toEqual(settings);
  });
});
