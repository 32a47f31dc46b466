/**
 * What a run of etcd can be told: the read mode (what etcd promises depends on it) and the Raft
 * timings and flags that change how fast it reacts. Pure: parsing and validation only.
 */
import { UsageError } from '../../shared/usage-error.js';

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
