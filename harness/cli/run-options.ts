import type { Argv } from 'yargs';
import { DEFAULT_SETTINGS as D, parseFaultList, type CheckName, type QuorumMode, type ReadRepair, type RunSettings, type TargetSize } from '../run/settings.js';

/** The options every command that runs a cluster shares (run, compare). */
export function withRunOptions<T>(y: Argv<T>) {
  return y
    .option('workload', { type: 'string', default: D.workload, describe: 'what the clients do (register, unique-writes)' })
    .option('nodes', { type: 'number', default: D.nodes, describe: 'node processes to start' })
    .option('N', { alias: 'replicas', type: 'number', default: D.N, describe: 'replicas per key' })
    .option('R', { alias: 'read-quorum', type: 'number', default: D.R, describe: 'replies a read waits for' })
    .option('W', { alias: 'write-quorum', type: 'number', default: D.W, describe: 'acknowledgements a write waits for' })
    .option('quorum', { type: 'string', default: D.quorum, describe: 'sloppy (dead nodes leave replica sets, as the seed) or strict' })
    .option('read-repair', { type: 'string', default: D.readRepair, describe: 'async (the seed), sync (write back before answering) or off' })
    .option('durable', { type: 'boolean', default: D.durable, describe: 'nodes persist writes to a log (fsync) and replay it on restart' })
    .option('chaos', { type: 'boolean', default: D.chaos, describe: "nodes' chaos mode: random delay and drop of node-to-node requests" })
    .option('nemesis', { type: 'string', default: D.nemesis.join(','), describe: 'faults: any of kill,pause,partition,delay, or none' })
    .option('targets', { type: 'string', default: '', describe: 'which nodes kills and pauses hit: any of one,minority,majority,all (default: a mix)' })
    .option('nemesis-interval', { type: 'number', default: D.nemesisInterval, describe: 'seconds from one fault to the next' })
    .option('time-limit', { type: 'number', default: D.timeLimit, describe: 'seconds of workload before healing and the final reads' })
    .option('concurrency', { type: 'number', default: D.concurrency, describe: 'client workers' })
    .option('rate', { type: 'number', default: D.rate, describe: 'total ops per second' })
    .option('seed', { type: 'number', default: D.seed, describe: 'seed of the op and fault schedule' })
    .option('keys', { type: 'number', default: D.keys, describe: 'keys the register workload spreads over' })
    .option('expect', { type: 'string', default: '', describe: 'hold the run to more than its settings promise: linearizable,stale-reads,lost-writes' })
    .option('check-time-limit', { type: 'number', default: D.checkTimeLimit, describe: 'seconds the linearizability search may take (then: unknown)' })
    .option('node-arg', { type: 'string', array: true, default: [] as string[], describe: 'extra flag for every node, e.g. --node-arg=--dead-after-ms=2000' })
    .option('results-dir', { type: 'string', describe: 'where run folders go (default ./results)' });
}

export interface RunArgs {
  workload: string;
  nodes: number;
  N: number;
  R: number;
  W: number;
  quorum: string;
  readRepair: string;
  durable: boolean;
  chaos: boolean;
  nemesis: string;
  targets: string;
  nemesisInterval: number;
  timeLimit: number;
  concurrency: number;
  rate: number;
  seed: number;
  keys: number;
  expect: string;
  checkTimeLimit: number;
  nodeArg: string[];
}

export function settingsFromArgs(a: RunArgs): RunSettings {
  return {
    workload: a.workload,
    nodes: a.nodes,
    N: a.N,
    R: a.R,
    W: a.W,
    quorum: a.quorum as QuorumMode,
    readRepair: a.readRepair as ReadRepair,
    durable: a.durable,
    chaos: a.chaos,
    nemesis: parseFaultList(a.nemesis),
    targets: a.targets.split(',').map((t) => t.trim()).filter(Boolean) as TargetSize[],
    nemesisInterval: a.nemesisInterval,
    timeLimit: a.timeLimit,
    concurrency: a.concurrency,
    rate: a.rate,
    seed: a.seed,
    keys: a.keys,
    expect: a.expect.split(',').map((c) => c.trim()).filter(Boolean) as CheckName[],
    checkTimeLimit: a.checkTimeLimit,
    nodeArgs: a.nodeArg.flatMap((arg) => splitNodeArg(arg)),
  };
}

/** `--dead-after-ms=2000` → ['--dead-after-ms', '2000'], so nodes see the flag form they parse. */
export function splitNodeArg(arg: string): string[] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg];
}

/** The command line that repeats a run with these settings. */
export function reproduceCommand(s: RunSettings): string {
  const parts = [
    'npx godist run',
    `--workload ${s.workload}`,
    `--nodes ${s.nodes}`,
    `-N ${s.N} -R ${s.R} -W ${s.W}`,
    s.quorum !== D.quorum ? `--quorum ${s.quorum}` : '',
    s.readRepair !== D.readRepair ? `--read-repair ${s.readRepair}` : '',
    s.durable ? '--durable' : '',
    s.chaos ? '--chaos' : '',
    `--nemesis ${s.nemesis.length > 0 ? s.nemesis.join(',') : 'none'}`,
    s.targets.length > 0 ? `--targets ${s.targets.join(',')}` : '',
    s.nemesisInterval !== D.nemesisInterval ? `--nemesis-interval ${s.nemesisInterval}` : '',
    `--time-limit ${s.timeLimit}`,
    `--concurrency ${s.concurrency}`,
    `--rate ${s.rate}`,
    s.keys !== D.keys ? `--keys ${s.keys}` : '',
    `--seed ${s.seed}`,
    s.expect.length > 0 ? `--expect ${s.expect.join(',')}` : '',
    s.checkTimeLimit !== D.checkTimeLimit ? `--check-time-limit ${s.checkTimeLimit}` : '',
    ...nodeArgFlags(s.nodeArgs),
  ];
  return parts.filter(Boolean).join(' ');
}

/** ['--dead-after-ms', '2000', '--chaos'] → ['--node-arg=--dead-after-ms=2000', '--node-arg=--chaos']. */
function nodeArgFlags(nodeArgs: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < nodeArgs.length; i++) {
    const value = nodeArgs[i + 1];
    const takesValue = value !== undefined && !value.startsWith('--');
    flags.push(`--node-arg=${nodeArgs[i]}${takesValue ? `=${value}` : ''}`);
    if (takesValue) i++;
  }
  return flags;
}
