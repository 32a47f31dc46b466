import { UsageError } from '../shared/usage-error.js';

export type FaultKind = 'kill' | 'pause' | 'partition' | 'delay';
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'pause', 'partition', 'delay'];
/** Jepsen's choices of which nodes a kill or pause hits. */
export type TargetSize = 'one' | 'minority' | 'majority' | 'all';
export const TARGET_SIZES: readonly TargetSize[] = ['one', 'minority', 'majority', 'all'];
export type QuorumMode = 'sloppy' | 'strict';
export type ReadRepair = 'async' | 'sync' | 'off';
export type CheckName = 'linearizable' | 'stale-reads' | 'lost-writes';
export const CHECK_NAMES: readonly CheckName[] = ['linearizable', 'stale-reads', 'lost-writes'];

/** Everything that determines a run; written to run.json so a run can be repeated. */
export interface RunSettings {
  workload: string;
  nodes: number;
  N: number;
  R: number;
  W: number;
  quorum: QuorumMode;
  readRepair: ReadRepair;
  durable: boolean;
  chaos: boolean;
  nemesis: FaultKind[];
  /** Node subsets kills and pauses choose from; empty: Jepsen's mix (pauses never take every node). */
  targets: TargetSize[];
  /** Seconds between the start of one fault and the start of the next. */
  nemesisInterval: number;
  /** Seconds of workload, before the final phase. */
  timeLimit: number;
  concurrency: number;
  /** Total ops per second across all workers. */
  rate: number;
  seed: number;
  keys: number;
  /** Checks this run is held to even where the settings promise less. */
  expect: CheckName[];
  /** Seconds the linearizability search may take before its verdict is "unknown". */
  checkTimeLimit: number;
  /** Extra flags passed to every node (timings, chaos tuning). */
  nodeArgs: string[];
}

export const DEFAULT_SETTINGS: RunSettings = {
  workload: 'register',
  nodes: 5,
  N: 3,
  R: 2,
  W: 2,
  quorum: 'sloppy',
  readRepair: 'async',
  durable: false,
  chaos: false,
  nemesis: ['kill', 'pause', 'partition'],
  targets: [],
  nemesisInterval: 5,
  timeLimit: 30,
  concurrency: 10,
  rate: 200,
  seed: 7,
  keys: 10,
  expect: [],
  checkTimeLimit: 60,
  nodeArgs: [],
};

/** The one line a user sees for each impossible setting; empty when the settings can run. */
export function settingsProblems(s: RunSettings, workloads: readonly string[]): string[] {
  const problems: string[] = [];
  const whole = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) problems.push(`${given(name, value)} must be a whole number ≥ ${min}`);
  };
  whole('--nodes', s.nodes, 1);
  whole('-N', s.N, 1);
  whole('-R', s.R, 1);
  whole('-W', s.W, 1);
  whole('--concurrency', s.concurrency, 1);
  whole('--keys', s.keys, 1);
  whole('--seed', s.seed, 0);
  if (s.R > s.N) problems.push(`R=${s.R} exceeds N=${s.N} (a read quorum cannot be larger than the replica set)`);
  if (s.W > s.N) problems.push(`W=${s.W} exceeds N=${s.N} (a write quorum cannot be larger than the replica set)`);
  if (s.N > s.nodes) problems.push(`N=${s.N} exceeds --nodes=${s.nodes} (a key cannot have more replicas than there are nodes)`);
  if (!workloads.includes(s.workload)) problems.push(`unknown workload "${s.workload}" (known: ${workloads.join(', ')})`);
  for (const fault of s.nemesis) {
    if (!FAULT_KINDS.includes(fault)) problems.push(`unknown fault "${fault}" (known: ${FAULT_KINDS.join(', ')}, or none)`);
  }
  for (const target of s.targets) {
    if (!TARGET_SIZES.includes(target)) problems.push(`unknown target "${target}" for --targets (known: ${TARGET_SIZES.join(', ')})`);
  }
  for (const check of s.expect) {
    if (!CHECK_NAMES.includes(check)) problems.push(`unknown check "${check}" for --expect (known: ${CHECK_NAMES.join(', ')})`);
  }
  if (!(s.timeLimit > 0)) problems.push(`${given('--time-limit', s.timeLimit)} must be a positive number of seconds`);
  if (!(s.rate > 0)) problems.push(`${given('--rate', s.rate)} must be a positive number of ops per second`);
  if (!(s.nemesisInterval > 0)) problems.push(`${given('--nemesis-interval', s.nemesisInterval)} must be a positive number of seconds`);
  if (!(s.checkTimeLimit > 0)) problems.push(`${given('--check-time-limit', s.checkTimeLimit)} must be a positive number of seconds`);
  if (!['sloppy', 'strict'].includes(s.quorum)) problems.push(`--quorum=${s.quorum} must be sloppy or strict`);
  if (!['async', 'sync', 'off'].includes(s.readRepair)) problems.push(`--read-repair=${s.readRepair} must be async, sync or off`);
  return problems;
}

/** `--nodes=7`, or `--nodes (not a number)` where yargs handed over NaN for a word. */
function given(name: string, value: number): string {
  return Number.isNaN(value) ? `${name} (not a number)` : `${name}=${value}`;
}

export function validateSettings(s: RunSettings, workloads: readonly string[]): RunSettings {
  const problems = settingsProblems(s, workloads);
  if (problems.length > 0) throw new UsageError(problems[0]!);
  return s;
}

/** `kill,pause` → ['kill','pause']; `none` or '' → []. Unknown names are kept for validation to name. */
export function parseFaultList(text: string): FaultKind[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 1 && parts[0] === 'none') return [];
  return [...new Set(parts)] as FaultKind[];
}

/** The ids of a run's nodes: node-1 … node-n. */
export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
}

/** Short label used in folder names and tables: `n3r2w2-strict-sync-durable`. */
export function settingsLabel(s: Pick<RunSettings, 'N' | 'R' | 'W' | 'quorum' | 'readRepair' | 'durable'>): string {
  const modes = [
    s.quorum !== 'sloppy' ? s.quorum : '',
    s.readRepair !== 'async' ? `rr-${s.readRepair}` : '',
    s.durable ? 'durable' : '',
  ].filter(Boolean);
  return [`n${s.N}r${s.R}w${s.W}`, ...modes].join('-');
}
