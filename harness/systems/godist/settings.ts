/**
 * The settings of a GoDist cluster: N/R/W and the node's modes, parsed and checked here (the harness
 * knows none of them), with the flags that repeat them and the words the report shows.
 */
import { given, type HarnessSettings } from '../../run/settings.js';
import { UsageError } from '../../shared/usage-error.js';
import type { SystemOption, SystemSettings } from '../types.js';

export type QuorumMode = 'sloppy' | 'strict';
export type ReadRepair = 'async' | 'sync' | 'off';

export interface GodistSettings extends SystemSettings {
  N: number;
  R: number;
  W: number;
  quorum: QuorumMode;
  readRepair: ReadRepair;
  durable: boolean;
  chaos: boolean;
  /** Extra flags passed to every node (timings, chaos tuning, deliberate bugs). */
  nodeArgs: string[];
}

export const GODIST_DEFAULTS: Omit<GodistSettings, 'name'> = {
  N: 3,
  R: 2,
  W: 2,
  quorum: 'sloppy',
  readRepair: 'async',
  durable: false,
  chaos: false,
  nodeArgs: [],
};

/** -N/-R/-W: also the command system's, which hands them to a node of any kind. */
export const QUORUM_OPTIONS: readonly SystemOption[] = [
  { flag: 'N', alias: 'replicas', key: 'N', type: 'number', describe: 'replicas per key (default 3)' },
  { flag: 'R', alias: 'read-quorum', key: 'R', type: 'number', describe: 'replies a read waits for (default 2)' },
  { flag: 'W', alias: 'write-quorum', key: 'W', type: 'number', describe: 'acknowledgements a write waits for (default 2)' },
];

export const GODIST_OPTIONS: readonly SystemOption[] = [
  ...QUORUM_OPTIONS,
  { flag: 'quorum', key: 'quorum', type: 'string', describe: 'sloppy (dead nodes leave replica sets, as the seed; the default) or strict' },
  { flag: 'read-repair', key: 'readRepair', type: 'string', describe: 'async (the seed; the default), sync (write back before answering) or off' },
  { flag: 'durable', key: 'durable', type: 'boolean', describe: 'nodes persist writes to a log (fsync) and replay it on restart' },
  { flag: 'chaos', key: 'chaos', type: 'boolean', describe: "nodes' chaos mode: random delay and drop of node-to-node requests" },
  { flag: 'node-arg', key: 'nodeArgs', type: 'array', describe: 'an extra flag for every node, e.g. --node-arg=--dead-after-ms=2000 (repeatable)' },
];

/** N, R and W checked against each other and the cluster size: what any quorum system needs. */
export function quorumProblems(s: { N: number; R: number; W: number }, nodes: number): string[] {
  const problems: string[] = [];
  for (const [name, value] of [['-N', s.N], ['-R', s.R], ['-W', s.W]] as const) {
    if (!Number.isInteger(value) || value < 1) problems.push(`${given(name, value)} must be a whole number ≥ 1`);
  }
  if (s.R > s.N) problems.push(`R=${s.R} exceeds N=${s.N} (a read quorum cannot be larger than the replica set)`);
  if (s.W > s.N) problems.push(`W=${s.W} exceeds N=${s.N} (a write quorum cannot be larger than the replica set)`);
  if (s.N > nodes) problems.push(`N=${s.N} exceeds --nodes=${nodes} (a key cannot have more replicas than there are nodes)`);
  return problems;
}

export function godistSettings(raw: Record<string, unknown>, harness: Pick<HarnessSettings, 'nodes'>): GodistSettings {
  const s = { ...GODIST_DEFAULTS, ...definedOnly(raw), name: 'godist' } as GodistSettings;
  s.nodeArgs = [...(Array.isArray(raw['nodeArgs']) ? (raw['nodeArgs'] as unknown[]).map(String) : [])].flatMap(splitNodeArg);
  const problems = quorumProblems(s, harness.nodes);
  if (!['sloppy', 'strict'].includes(s.quorum)) problems.push(`--quorum=${s.quorum} must be sloppy or strict`);
  if (!['async', 'sync', 'off'].includes(s.readRepair)) problems.push(`--read-repair=${s.readRepair} must be async, sync or off`);
  for (const k of ['durable', 'chaos'] as const) if (typeof s[k] !== 'boolean') problems.push(`--${k} takes no value (it is on or off)`);
  if (problems.length > 0) throw new UsageError(problems[0]!);
  return s;
}

/** The keys of `raw` that carry a value (a flag not given arrives as undefined). */
export function definedOnly(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== undefined && k !== 'name'));
}

/** `--dead-after-ms=2000` → ['--dead-after-ms', '2000'], so nodes see the flag form they parse. */
export function splitNodeArg(arg: string): string[] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg];
}

export function godistFlags(s: GodistSettings): string[] {
  const d = GODIST_DEFAULTS;
  return [
    `-N ${s.N} -R ${s.R} -W ${s.W}`,
    s.quorum !== d.quorum ? `--quorum ${s.quorum}` : '',
    s.readRepair !== d.readRepair ? `--read-repair ${s.readRepair}` : '',
    s.durable ? '--durable' : '',
    s.chaos ? '--chaos' : '',
    ...nodeArgFlags(s.nodeArgs),
  ].filter(Boolean);
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

/** `n3r2w2-strict-rr-sync-durable`: folder names and table labels. */
export function godistLabel(s: GodistSettings): string {
  const modes = [s.quorum !== 'sloppy' ? s.quorum : '', s.readRepair !== 'async' ? `rr-${s.readRepair}` : '', s.durable ? 'durable' : ''].filter(Boolean);
  return [`n${s.N}r${s.R}w${s.W}`, ...modes].join('-');
}

export function describeGodist(s: GodistSettings): [string, string][] {
  return [
    ['system', 'godist (the reference node)'],
    ['N / R / W', `${s.N} / ${s.R} / ${s.W} (R + W ${s.R + s.W > s.N ? '>' : '≤'} N)`],
    ['quorum', s.quorum],
    ['read repair', s.readRepair],
    ['durable', String(s.durable)],
    ['chaos', String(s.chaos)],
    ['node flags', s.nodeArgs.length > 0 ? s.nodeArgs.join(' ') : '—'],
  ];
}

const MODES: Record<string, Partial<GodistSettings>> = {
  strict: { quorum: 'strict' },
  sloppy: { quorum: 'sloppy' },
  sync: { readRepair: 'sync' },
  async: { readRepair: 'async' },
  'rr-sync': { readRepair: 'sync' },
  'rr-async': { readRepair: 'async' },
  'rr-off': { readRepair: 'off' },
  durable: { durable: true },
};

export const GODIST_SETTING_SYNTAX = 'N/R/W[/strict|sloppy][/sync|async|rr-off][/durable], e.g. 3/2/2/strict/sync';

/** `3/2/2/strict/sync` → { N, R, W, quorum, readRepair }. */
export function parseGodistSetting(entry: string): Record<string, unknown> {
  const parts = entry.split('/').map((p) => p.trim().toLowerCase());
  const [n, r, w, ...modes] = parts;
  const whole = (s: string | undefined) => (s !== undefined && /^[1-9]\d*$/.test(s) ? Number(s) : NaN);
  const N = whole(n);
  const R = whole(r);
  const W = whole(w);
  if (entry.trim() === '' || Number.isNaN(N) || Number.isNaN(R) || Number.isNaN(W)) throw new UsageError(`is not ${GODIST_SETTING_SYNTAX}`);
  const setting: Record<string, unknown> = { N, R, W };
  for (const mode of modes) {
    const m = MODES[mode];
    if (!m) throw new UsageError(`unknown mode "${mode}" (known: ${Object.keys(MODES).join(', ')})`);
    Object.assign(setting, m);
  }
  return setting;
}
