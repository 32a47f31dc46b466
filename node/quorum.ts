/**
 * Quorum arithmetic and the choice of a key's replica set. Pure.
 */
import type { Ring } from './ring.js';

export type QuorumMode = 'sloppy' | 'strict';
export type ReadRepairMode = 'async' | 'sync' | 'off';

export interface QuorumSettings {
  N: number;
  R: number;
  W: number;
}

/**
 * The replicas of a key.
 * - `sloppy` (the seed): walk the ring of members not marked dead, so a dead replica is replaced by
 *   the next live node. Available, but the set moves whenever the failure detector changes its mind.
 * - `strict`: walk the ring of every known member, alive or not: the set stays put and an unreachable
 *   replica simply does not answer.
 */
export function chooseReplicaSet(key: string, n: number, mode: QuorumMode, rings: { all: Ring; routable: Ring }): string[] {
  return (mode === 'strict' ? rings.all : rings.routable).walk(key, n);
}

/** Do every read quorum and every write quorum share a replica? */
export function quorumsOverlap(q: QuorumSettings): boolean {
  return q.R + q.W > q.N;
}

/** Impossible settings, each as a sentence a person can act on; empty when the settings are possible. */
export function quorumProblems(q: QuorumSettings): string[] {
  const out: string[] = [];
  if (!Number.isInteger(q.N) || q.N < 1) out.push(`N=${q.N} is not a replica count (N must be an integer >= 1)`);
  if (!Number.isInteger(q.R) || q.R < 1) out.push(`R=${q.R} is not a read quorum (R must be an integer >= 1)`);
  if (!Number.isInteger(q.W) || q.W < 1) out.push(`W=${q.W} is not a write quorum (W must be an integer >= 1)`);
  if (out.length > 0) return out;
  if (q.R > q.N) out.push(`R=${q.R} exceeds N=${q.N} (a read quorum cannot be larger than the replica set; use R <= ${q.N})`);
  if (q.W > q.N) out.push(`W=${q.W} exceeds N=${q.N} (a write quorum cannot be larger than the replica set; use W <= ${q.N})`);
  return out;
}

/** What a configuration promises to a client of one register (one key). */
export interface Guarantee {
  /** `always`: under pauses, partitions and kills; `no-kills`: under pauses and partitions only. */
  linearizable: 'always' | 'no-kills' | 'no';
  /** Does every read see the latest completed write, at least when nothing fails? */
  freshReads: boolean;
  why: string;
}

export function guaranteeOf(s: QuorumSettings & { quorum: QuorumMode; readRepair: ReadRepairMode; durable: boolean }): Guarantee {
  if (!quorumsOverlap(s)) {
    return {
      linearizable: 'no',
      freshReads: false,
      why: `R + W = ${s.R + s.W} <= N = ${s.N}: a read quorum can miss every replica of the latest write, so stale reads are expected`,
    };
  }
  if (s.quorum !== 'strict') {
    return {
      linearizable: 'no',
      freshReads: true,
      why: 'sloppy quorums: when the failure detector marks a replica dead the replica set moves, and a read quorum of the new set need not overlap the write quorum of the old one',
    };
  }
  if (s.readRepair !== 'sync') {
    return {
      linearizable: 'no',
      freshReads: true,
      why: `read repair ${s.readRepair}: a read can return a value that reached fewer than W replicas, and a later read can miss it (new-old inversion)`,
    };
  }
  if (!s.durable) {
    return {
      linearizable: 'no-kills',
      freshReads: true,
      why: 'strict + sync + R + W > N is ABD, but a node restarted without --data-dir has forgotten writes it acknowledged, which breaks the quorum intersection',
    };
  }
  return {
    linearizable: 'always',
    freshReads: true,
    why: 'strict + sync + R + W > N with durable replicas: the ABD algorithm (read a quorum, write back to a quorum before answering)',
  };
}
