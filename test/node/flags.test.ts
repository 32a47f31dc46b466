import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseFlags } from '../../node/flags.js';

const base = ['--id', 'node-1', '--addr', '127.0.0.1:8081'];

function config(args: string[]) {
  const r = parseFlags(args);
  if (r.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
  return r.config;
}

function problems(args: string[]): string[] {
  const r = parseFlags(args);
  if (r.kind !== 'invalid') throw new Error(`expected problems, got ${r.kind}`);
  return r.problems;
}

describe('node flags', () => {
  it('takes the seed example with defaults for everything else', () => {
    const c = config([...base, '--seed', '127.0.0.1:8081', '-N', '3', '-R', '2', '-W', '2']);
    expect(c).toMatchObject({ id: 'node-1', addr: '127.0.0.1:8081', host: '127.0.0.1', port: 8081, seed: '127.0.0.1:8081', N: 3, R: 2, W: 2 });
    expect(c).toMatchObject({ chaos: false, readRepair: 'async', quorum: 'sloppy', dataDir: null, heartbeatMs: DEFAULTS.heartbeatMs, vnodes: 64 });
  });

  it('accepts long aliases, --N, and the seed Go-style single-dash flags', () => {
    expect(config([...base, '--replicas', '5', '--read-quorum', '3', '--write-quorum', '3'])).toMatchObject({ N: 5, R: 3, W: 3 });
    expect(config([...base, '--N', '5', '--R=2', '--W', '4'])).toMatchObject({ N: 5, R: 2, W: 4 });
    expect(config(['-id', 'node-2', '-addr', '127.0.0.1:8082', '-seed', '127.0.0.1:8081', '-N', '3', '-R', '2', '-W', '2', '--chaos'])).toMatchObject({ id: 'node-2', seed: '127.0.0.1:8081', chaos: true });
  });

  it('takes every mode and timing flag', () => {
    const c = config([
      ...base,
      '--chaos-drop', '0.2', '--chaos-delay-ms', '1-9', '--heartbeat-ms', '50', '--suspect-after-ms', '300', '--dead-after-ms', '900',
      '--request-timeout-ms', '250', '--vnodes', '16', '--read-repair', 'sync', '--quorum', 'strict', '--data-dir', '/tmp/x',
      '--peer', 'node-2=127.0.0.1:19012', '--peer', 'node-3=127.0.0.1:19013',
    ]);
    expect(c).toMatchObject({ chaos: true, chaosDrop: 0.2, chaosDelayMs: [1, 9], heartbeatMs: 50, suspectAfterMs: 300, deadAfterMs: 900, requestTimeoutMs: 250, vnodes: 16, readRepair: 'sync', quorum: 'strict', dataDir: '/tmp/x' });
    expect([...c.peers]).toEqual([
      ['node-2', '127.0.0.1:19012'],
      ['node-3', '127.0.0.1:19013'],
    ]);
  });

  it.each([
    [['-R', '4'], 'R=4 exceeds N=3'],
    [['-W', '4'], 'W=4 exceeds N=3'],
    [['-N', '0'], '--replicas "0" is not valid'],
    [['-R', '0'], '--read-quorum "0" is not valid'],
    [['-W', 'two'], '--write-quorum "two" is not valid'],
    [['--quorum', 'loose'], '--quorum "loose" is not one of sloppy, strict'],
    [['--read-repair', 'later'], '--read-repair "later" is not one of async, sync, off'],
    [['--suspect-after-ms', '3000', '--dead-after-ms', '3000'], '--dead-after-ms 3000 must exceed --suspect-after-ms 3000'],
    [['--heartbeat-ms', '1000', '--suspect-after-ms', '500', '--dead-after-ms', '2000'], '--suspect-after-ms 500 must exceed --heartbeat-ms 1000'],
    [['--chaos-drop', '1.5'], '--chaos-drop "1.5" is not a probability'],
    [['--chaos-delay-ms', '50-5'], '--chaos-delay-ms "50-5" is not a delay range'],
    [['--peer', 'node-2'], '--peer "node-2" is not ID=HOST:PORT'],
    [['--peer', 'node-1=127.0.0.1:9'], 'names this node itself'],
    [['--seed', 'localhost'], '--seed "localhost" is not HOST:PORT'],
    [['--bogus'], 'unknown flag --bogus'],
    [['--vnodes'], '--vnodes needs a value'],
    [['extra'], 'unexpected argument "extra"'],
  ])('rejects %j with a sentence naming it', (extra, message) => {
    const p = problems([...base, ...extra]);
    expect(p.join('; ')).toContain(message);
  });

  it.each([['127.0.0.1'], ['127.0.0.1:'], ['127.0.0.1:99999'], [':8081'], ['127.0.0.1:0'], ['a b:1']])('rejects the malformed address %j', (addr) => {
    expect(problems(['--id', 'node-1', '--addr', addr]).join()).toContain(`--addr ${JSON.stringify(addr)} is not HOST:PORT`);
  });

  it('requires --id and --addr, and rejects unusable ids', () => {
    expect(problems([])).toEqual(['--id is required (e.g. --id node-1)', '--addr is required (e.g. --addr 127.0.0.1:8081)']);
    expect(problems(['--id', 'node 1', '--addr', '127.0.0.1:1']).join()).toContain('is not a usable id');
  });

  it('reports every problem at once', () => {
    expect(problems([...base, '-R', '9', '-W', '9'])).toHaveLength(2);
  });

  it('answers --help', () => {
    expect(parseFlags(['--help']).kind).toBe('help');
  });
});
