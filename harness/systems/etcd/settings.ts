/**
 * What a run of etcd can be told: the read mode (what etcd promises depends on it) and the Raft
 * timings and flags that change how fast it reacts; the flags that repeat them and the words the
 * report shows. Pure: parsing and validation only.
 */
import { UsageError } from '../../shared/usage-error.js';
import type { SystemOption, SystemSettings } from '../types.js';

export type ReadMode = 'linearizable' | 'serializable';
export const READ_MODES: readonly ReadMode[] = ['linearizable', 'serializable'];

export interface EtcdSettings {
  /** linearizable: a read goes through the leader (ReadIndex); serializable: the member answers from its own state. */
  reads: ReadMode;
  /** `--heartbeat-interval`, ms. */
  heartbeatMs: number;
  /** `--election-timeout`, ms; etcd requires at least 5 × the heartbeat. */
  electionMs: number;
  /** `--snapshot-count`: applied entries between snapshots. */
  snapshotCount: number;
  /** `--pre-vote`: a member that was cut off asks before it campaigns, so it cannot depose a healthy leader when it returns (off in 3.4). */
  preVote: boolean;
}

/**
 * Half of etcd's default timings (100 / 1000 ms): a cut-off leader steps down and a new one is
 * elected within about a second, so short runs see whole fault cycles; with 10 × the heartbeat in
 * an election timeout, a loaded two-core machine still sees no spurious elections (measured in
 * docs/etcd.md). The snapshot count is low enough that a member restarted after a long partition
 * can be sent a snapshot within a run, high enough that snapshots do not dominate a short one.
 */
export const DEFAULT_ETCD_SETTINGS: EtcdSettings = {
  reads: 'linearizable',
  heartbeatMs: 50,
  electionMs: 500,
  snapshotCount: 10_000,
  preVote: false,
};

/** Reads the system's settings from plain values (CLI flags); throws UsageError on the first impossible one. */
export function parseEtcdSettings(raw: Partial<Record<keyof EtcdSettings, unknown>>): EtcdSettings {
  const s: EtcdSettings = { ...DEFAULT_ETCD_SETTINGS };
  if (raw.reads !== undefined) {
    if (!READ_MODES.includes(raw.reads as ReadMode)) {
      throw new UsageError(`--reads ${String(raw.reads)} is not a read mode (use linearizable or serializable)`);
    }
    s.reads = raw.reads as ReadMode;
  }
  s.heartbeatMs = whole('--heartbeat-ms', raw.heartbeatMs, s.heartbeatMs, 1);
  s.electionMs = whole('--election-ms', raw.electionMs, s.electionMs, 1);
  s.snapshotCount = whole('--snapshot-count', raw.snapshotCount, s.snapshotCount, 1);
  if (raw.preVote !== undefined) {
    if (typeof raw.preVote !== 'boolean') throw new UsageError(`--pre-vote ${String(raw.preVote)} must be true or false`);
    s.preVote = raw.preVote;
  }
  if (s.electionMs < 5 * s.heartbeatMs) {
    throw new UsageError(
      `--election-ms ${s.electionMs} is less than 5 × --heartbeat-ms ${s.heartbeatMs} (etcd refuses it; use --election-ms ≥ ${5 * s.heartbeatMs})`,
    );
  }
  return s;
}

function whole(flag: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} ${String(value)} must be a whole number ≥ ${min}`);
  }
  return n;
}

/** The settings as a run keeps them (run.json's `system`). */
export interface EtcdRunSettings extends SystemSettings, EtcdSettings {
  name: 'etcd';
}

/** Its flags on `godist run` and `godist compare` (with `--system etcd`). */
export const ETCD_OPTIONS: readonly SystemOption[] = [
  { flag: 'reads', key: 'reads', type: 'string', describe: 'linearizable (through the leader; the default) or serializable (each member answers from its own state)' },
  { flag: 'heartbeat-ms', key: 'heartbeatMs', type: 'number', describe: `etcd's --heartbeat-interval (default ${DEFAULT_ETCD_SETTINGS.heartbeatMs})` },
  { flag: 'election-ms', key: 'electionMs', type: 'number', describe: `etcd's --election-timeout, at least 5 × the heartbeat (default ${DEFAULT_ETCD_SETTINGS.electionMs})` },
  { flag: 'snapshot-count', key: 'snapshotCount', type: 'number', describe: `etcd's --snapshot-count (default ${DEFAULT_ETCD_SETTINGS.snapshotCount})` },
  { flag: 'pre-vote', key: 'preVote', type: 'boolean', describe: "etcd's --pre-vote: a member back from a partition cannot depose a healthy leader (off in etcd 3.4)" },
];

/** The seam's settings: plain JSON in (flags by key, a run.json, a regression case), checked. */
export function etcdRunSettings(raw: Record<string, unknown>): EtcdRunSettings {
  return { ...parseEtcdSettings(raw), name: 'etcd' };
}

export function etcdFlags(s: EtcdRunSettings): string[] {
  const d = DEFAULT_ETCD_SETTINGS;
  return [
    `--reads ${s.reads}`,
    s.heartbeatMs !== d.heartbeatMs ? `--heartbeat-ms ${s.heartbeatMs}` : '',
    s.electionMs !== d.electionMs ? `--election-ms ${s.electionMs}` : '',
    s.snapshotCount !== d.snapshotCount ? `--snapshot-count ${s.snapshotCount}` : '',
    s.preVote ? '--pre-vote' : '',
  ].filter(Boolean);
}

/** `etcd-serializable`, `etcd-linearizable-prevote-hb20-el200`: folder names and table labels. */
export function etcdLabel(s: EtcdRunSettings): string {
  const d = DEFAULT_ETCD_SETTINGS;
  const timings = s.heartbeatMs !== d.heartbeatMs || s.electionMs !== d.electionMs ? `hb${s.heartbeatMs}-el${s.electionMs}` : '';
  return ['etcd', s.reads, s.preVote ? 'prevote' : '', timings].filter(Boolean).join('-');
}

export function describeEtcd(s: EtcdRunSettings): [string, string][] {
  return [
    ['system', 'etcd (Raft; the etcd binary on PATH)'],
    ['reads', s.reads === 'linearizable' ? 'linearizable (the leader confirms it still leads before the member answers: ReadIndex)' : "serializable (each member answers from its own applied state, without asking the leader)"],
    ['heartbeat / election timeout', `${s.heartbeatMs} / ${s.electionMs} ms`],
    ['pre-vote', String(s.preVote)],
    ['snapshot count', String(s.snapshotCount)],
  ];
}

export const ETCD_SETTING_SYNTAX = 'linearizable|serializable[/pre-vote], e.g. etcd:serializable';

/** `serializable`, `linearizable/pre-vote` → settings keys. */
export function parseEtcdSetting(entry: string): Record<string, unknown> {
  const [reads, ...modes] = entry.split('/').map((p) => p.trim().toLowerCase());
  if (!READ_MODES.includes(reads as ReadMode)) throw new UsageError(`"${reads ?? ''}" is not a read mode (use linearizable or serializable)`);
  const setting: Record<string, unknown> = { reads };
  for (const mode of modes) {
    if (mode !== 'pre-vote' && mode !== 'prevote') throw new UsageError(`unknown mode "${mode}" (known: pre-vote)`);
    setting['preVote'] = true;
  }
  return setting;
}
