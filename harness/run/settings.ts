/**
 * A run's settings: the harness's own (workload, faults, clients, schedule, checks) and the system
 * under test's, which only the system parses. Together they are what run.json keeps so a run can be
 * repeated.
 */
import { UsageError } from '../shared/usage-error.js';

export type FaultKind = 'kill' | 'pause' | 'partition' | 'delay' | 'membership';
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'pause', 'partition', 'delay', 'membership'];
/** Jepsen's choices of which nodes a kill or pause hits. */
export type TargetSize = 'one' | 'minority' | 'majority' | 'all';
export const TARGET_SIZES: readonly TargetSize[] = ['one', 'minority', 'majority', 'all'];

/** The checks `--expect` may hold a run to beyond what its settings promise. */
export type ExpectableCheck = 'linearizable' | 'stale-reads' | 'lost-writes';
export const EXPECTABLE: readonly ExpectableCheck[] = ['linearizable', 'stale-reads', 'lost-writes'];

/** A system's own settings as run.json keeps them: plain JSON, its `name` first (only the system reads the rest). */
export interface SystemSettings {
  name: string;
  [setting: string]: unknown;
}

/** What the harness decides, whatever the system under test. */
export interface HarnessSettings {
  workload: string;
  nodes: number;
  /** The most members the membership nemesis grows the cluster to (it never shrinks it below `nodes`). */
  maxNodes: number;
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
  /** Ops a key takes before the clients move to a fresh key in its place; 0: never. */
  keyOps: number;
  /** Checks this run is held to even where the settings promise less. */
  expect: ExpectableCheck[];
  /** Seconds the linearizability search may take before its verdict is "unknown". */
  checkTimeLimit: number;
  /** Bytes the linearizability search may hold; a key that needs more is undecided, never a crash. */
  checkMemoryBudget: number;
}

/** Everything that determines a run. */
export interface RunSettings extends HarnessSettings {
  system: SystemSettings;
}

export const HARNESS_DEFAULTS: HarnessSettings = {
  workload: 'register',
  nodes: 5,
  // Given nodes and no maxNodes, resolveSettings makes it nodes + 2 (MAX_NODES_ABOVE).
  maxNodes: 7,
  nemesis: ['kill', 'pause', 'partition'],
  targets: [],
  nemesisInterval: 5,
  timeLimit: 30,
  concurrency: 10,
  rate: 200,
  seed: 7,
  keys: 10,
  keyOps: 1000,
  expect: [],
  checkTimeLimit: 60,
  checkMemoryBudget: 2 * 1024 ** 3,
};

export const HARNESS_KEYS: readonly (keyof HarnessSettings)[] = Object.keys(HARNESS_DEFAULTS) as (keyof HarnessSettings)[];

/** --max-nodes, unless given: this many above --nodes, room for a few joins. */
export const MAX_NODES_ABOVE = 2;

/** The one line a user sees for each impossible harness setting; empty when they can run. */
export function harnessProblems(s: HarnessSettings, workloads: readonly string[]): string[] {
  const problems: string[] = [];
  const whole = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) problems.push(`${given(name, value)} must be a whole number ≥ ${min}`);
  };
  whole('--nodes', s.nodes, 1);
  whole('--max-nodes', s.maxNodes, 1);
  if (Number.isInteger(s.maxNodes) && Number.isInteger(s.nodes) && s.maxNodes < s.nodes) {
    problems.push(`--max-nodes=${s.maxNodes} is below --nodes=${s.nodes} (the membership nemesis never shrinks the cluster below --nodes; give --max-nodes ≥ ${s.nodes})`);
  } else if (s.nemesis.includes('membership') && s.maxNodes === s.nodes) {
    problems.push(`--nemesis membership needs --max-nodes above --nodes=${s.nodes} (no node could join, and none may leave below --nodes; e.g. --max-nodes ${s.nodes + MAX_NODES_ABOVE})`);
  }
  whole('--concurrency', s.concurrency, 1);
  whole('--keys', s.keys, 1);
  whole('--seed', s.seed, 0);
  whole('--key-ops', s.keyOps, 0);
  if (!workloads.includes(s.workload)) problems.push(`unknown workload "${s.workload}" (known: ${workloads.join(', ')})`);
  for (const fault of s.nemesis) {
    if (!FAULT_KINDS.includes(fault)) problems.push(`unknown fault "${fault}" (known: ${FAULT_KINDS.join(', ')}, or none)`);
  }
  for (const target of s.targets) {
    if (!TARGET_SIZES.includes(target)) problems.push(`unknown target "${target}" for --targets (known: ${TARGET_SIZES.join(', ')})`);
  }
  if (s.targets.length > 0 && !s.nemesis.some((f) => f === 'kill' || f === 'pause')) {
    problems.push(`--targets ${s.targets.join(',')} says which nodes kills and pauses hit, and --nemesis ${s.nemesis.length > 0 ? s.nemesis.join(',') : 'none'} has neither: add kill or pause, or leave out --targets`);
  }
  for (const check of s.expect) {
    if (!EXPECTABLE.includes(check)) problems.push(`unknown check "${check}" for --expect (known: ${EXPECTABLE.join(', ')})`);
  }
  if (!(s.timeLimit > 0)) problems.push(`${given('--time-limit', s.timeLimit)} must be a positive number of seconds`);
  if (!(s.rate > 0)) problems.push(`${given('--rate', s.rate)} must be a positive number of ops per second`);
  if (!(s.nemesisInterval > 0)) problems.push(`${given('--nemesis-interval', s.nemesisInterval)} must be a positive number of seconds`);
  if (!(s.checkTimeLimit > 0)) problems.push(`${given('--check-time-limit', s.checkTimeLimit)} must be a positive number of seconds`);
  if (!(Number.isInteger(s.checkMemoryBudget) && s.checkMemoryBudget > 0)) problems.push(`--check-memory-budget must be a size above 0, such as 512M or 2G`);
  return problems;
}

/** `--nodes=7`, or `--nodes (not a number)` where yargs handed over NaN for a word. */
export function given(name: string, value: number): string {
  return Number.isNaN(value) ? `${name} (not a number)` : `${name}=${value}`;
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

/** The id of the k-th node to exist in a run (1-based): members that join take node-(n+1), node-(n+2), … */
export function nodeId(k: number): string {
  return `node-${k}`;
}

/** Throws the first problem as a UsageError. */
export function throwFirst(problems: readonly string[]): void {
  if (problems.length > 0) throw new UsageError(problems[0]!);
}
