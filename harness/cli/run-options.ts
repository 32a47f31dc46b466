/**
 * The flags every command that runs a cluster shares (run, compare): the harness's own, `--system`,
 * and each system's own flags, which only that system reads. A system's flag given to another
 * system is one line and exit 2, not a silently ignored setting.
 */
import type { Argv, Options } from 'yargs';
import { resolveSettings } from '../run/run-settings.js';
import { HARNESS_DEFAULTS as D, parseFaultList, type RunSettings } from '../run/settings.js';
import { byteSizeFlag, parseByteSize } from '../checker/index.js';
import { UsageError } from '../shared/usage-error.js';
import { systemNamed, systemNames, systems } from '../systems/index.js';
import type { SystemOption } from '../systems/types.js';

export function withRunOptions<T>(y: Argv<T>) {
  let out = y
    .option('system', { type: 'string', requiresArg: true, default: 'godist', describe: `the system under test: ${systemNames.join(', ')}` })
    .option('workload', { type: 'string', requiresArg: true, default: D.workload, describe: 'what the clients do (register, unique-writes, cas-register)' })
    .option('nodes', { type: 'number', requiresArg: true, default: D.nodes, describe: 'node processes to start' })
    .option('max-nodes', { type: 'number', requiresArg: true, describe: 'the most nodes the membership nemesis grows the cluster to (default: --nodes + 2)' })
    .option('nemesis', { type: 'string', requiresArg: true, default: D.nemesis.join(','), describe: 'faults: any of kill,pause,partition,delay,membership, or none' })
    .option('targets', { type: 'string', requiresArg: true, describe: 'which nodes kills and pauses hit: any of one,minority,majority,all (default: a mix)' })
    .option('nemesis-interval', { type: 'number', requiresArg: true, default: D.nemesisInterval, describe: 'seconds from one fault to the next' })
    .option('time-limit', { type: 'number', requiresArg: true, default: D.timeLimit, describe: 'seconds of workload before healing and the final reads' })
    .option('concurrency', { type: 'number', requiresArg: true, default: D.concurrency, describe: 'client workers' })
    .option('rate', { type: 'number', requiresArg: true, default: D.rate, describe: 'total ops per second' })
    .option('seed', { type: 'number', requiresArg: true, default: D.seed, describe: 'seed of the op and fault schedule' })
    .option('keys', { type: 'number', requiresArg: true, default: D.keys, describe: 'keys the register workload spreads over at a time' })
    .option('key-ops', {
      type: 'number',
      requiresArg: true,
      default: D.keyOps,
      describe: 'ops a key takes before the clients move to a fresh one in its place (keeps every key decidable); 0: never',
    })
    .option('expect', { type: 'string', requiresArg: true, describe: 'hold the run to more than its settings promise: linearizable,stale-reads,lost-writes' })
    .option('check-memory-budget', {
      type: 'string',
      requiresArg: true,
      describe: `bytes the linearizability search may hold, e.g. 512M or 4G (default ${byteSizeFlag(D.checkMemoryBudget)}); a key that needs more is undecided`,
    })
    .option('check-time-limit', { type: 'number', requiresArg: true, default: D.checkTimeLimit, describe: 'seconds the linearizability search may take (then: undecided)' })
    .option('results-dir', { type: 'string', requiresArg: true, describe: 'where run folders go (default ./results)' });
  // Each system's flags, once each (godist and command share -N/-R/-W), without defaults: a flag
  // not given is the system's own default, and a flag given to the wrong system can be told apart.
  const seen = new Set<string>();
  for (const system of Object.values(systems)) {
    for (const o of system.options) {
      if (seen.has(o.flag)) continue;
      seen.add(o.flag);
      out = out.option(o.flag, yargsOption(o, system.name)) as typeof out;
    }
  }
  return out;
}

function yargsOption(o: SystemOption, system: string): Options {
  const group = `${system} options:`;
  const base: Options = { describe: o.describe, group, ...(o.alias ? { alias: o.alias } : {}) };
  if (o.type === 'array') return { ...base, type: 'string', array: true, requiresArg: true };
  return { ...base, type: o.type, ...(o.type === 'boolean' ? {} : { requiresArg: true }) };
}

export type RunArgs = Record<string, unknown>;

/** The settings of a run from parsed flags; throws a UsageError for a flag the chosen system does not take. */
export function settingsFromArgs(argv: RunArgs): RunSettings {
  const system = systemNamed(String(argv['system'] ?? 'godist'));
  const own = new Set(system.options.map((o) => o.flag));
  for (const other of Object.values(systems)) {
    for (const o of other.options) {
      if (!own.has(o.flag) && argv[camel(o.flag)] !== undefined) {
        throw new UsageError(`--${o.flag} is a setting of --system ${other.name}, and this run's system is ${system.name}`);
      }
    }
  }
  const systemRaw: Record<string, unknown> = { name: system.name };
  for (const o of system.options) systemRaw[o.key] = argv[camel(o.flag)];
  return resolveSettings({
    workload: argv['workload'],
    nodes: argv['nodes'],
    maxNodes: argv['maxNodes'],
    nemesis: parseFaultList(String(argv['nemesis'] ?? '')),
    targets: list(argv['targets']),
    nemesisInterval: argv['nemesisInterval'],
    timeLimit: argv['timeLimit'],
    concurrency: argv['concurrency'],
    rate: argv['rate'],
    seed: argv['seed'],
    keys: argv['keys'],
    keyOps: argv['keyOps'],
    expect: list(argv['expect']),
    checkTimeLimit: argv['checkTimeLimit'],
    checkMemoryBudget: byteSize(argv['checkMemoryBudget']),
    system: systemRaw,
  });
}

/** `--check-memory-budget 512M` → bytes; a size that does not parse is one line, exit 2. */
function byteSize(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseByteSize(String(value));
  if (bytes === undefined) throw new UsageError(`--check-memory-budget ${String(value)}: give a size such as 512M, 2G or 1.5G (K, M, G, T are powers of 1024)`);
  return bytes;
}

function list(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((x) => x.trim()).filter(Boolean) : [];
}

/** `read-repair` → `readRepair`, as yargs names parsed flags. */
function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
