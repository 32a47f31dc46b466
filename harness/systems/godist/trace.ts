/**
 * The account a GoDist node gives of how it served an op (the fields of its /kv replies beyond the
 * seed's), kept in the history's `trace` and read back here alone.
 */
import type { OpPair } from '../../history/pairs.js';
import type { ReplicaTimings } from '../types.js';

/** What one replica told the coordinator about a key while serving an op. */
export interface ReplicaReply {
  node: string;
  /** The version this replica held (reads) or stored (writes); null when it had nothing. */
  version: number | null;
  /** Tie-break of equal versions: the coordinator that wrote it. */
  writer?: string;
  /** For writes: whether the replica acknowledged; for reads: whether it answered. */
  ok?: boolean;
  /**
   * When the coordinator sent this replica its request, when the request left the coordinator
   * (after waiting in its queue for that peer; absent for the coordinator's own replica, or when
   * it had not left yet) and when the answer (or the failure) came, in ms since the coordinator
   * began serving the op. No `answeredMs`: it had not answered when the coordinator replied (a
   * latency known only to exceed `elapsedMs − sentMs`).
   */
  sentMs?: number;
  leftMs?: number;
  answeredMs?: number;
}

export interface ReplicaTrace {
  coordinator?: string;
  /** The replica set the coordinator chose for the key at that moment. */
  replicaSet?: string[];
  replicas?: ReplicaReply[];
  /** ms from the coordinator beginning to serve the op to its reply (the rest of the client's latency is the client's own legs). */
  elapsedMs?: number;
  /** A put's version read: what each replica of the set held before the coordinator chose the new version. */
  read?: ReplicaReply[];
  /** Version (and writer) the op read or wrote. */
  version?: number | null;
  writer?: string;
}

/** An op's trace, as the node wrote it (the history keeps traces opaque). */
export function traceOf(op: Pick<OpPair, 'trace'>): ReplicaTrace {
  return (op.trace ?? {}) as ReplicaTrace;
}

/** The trace in one line a person reads: coordinator, replica set, replies, version. */
export function traceLines(trace: Record<string, unknown>): string[] {
  const tr = trace as ReplicaTrace;
  const parts: string[] = [];
  if (tr.coordinator) parts.push(`coordinator ${tr.coordinator}`);
  if (tr.replicaSet) parts.push(`replica set {${tr.replicaSet.join(', ')}}`);
  if (tr.replicas) parts.push(`replies: ${tr.replicas.map((r) => `${r.node}${r.ok === false ? ' no answer' : ` v${r.version ?? '∅'}`}`).join(', ')}`);
  if (tr.version !== undefined && tr.version !== null) parts.push(`version ${tr.version}${tr.writer ? ` by ${tr.writer}` : ''}`);
  return parts.length > 0 ? [parts.join('; ')] : [];
}

/** The replica requests of an op with the times its coordinator recorded; none when the trace has no timings. */
export function replicaTimings(trace: Record<string, unknown>): ReplicaTimings | undefined {
  const t = trace as ReplicaTrace;
  if (!t.replicas || t.elapsedMs === undefined || t.coordinator === undefined) return undefined;
  const replicas = t.replicas.flatMap((r) =>
    r.sentMs === undefined
      ? []
      : [
          {
            local: r.node === t.coordinator,
            sentMs: r.sentMs,
            ...(r.leftMs !== undefined ? { leftMs: r.leftMs } : {}),
            ...(r.answeredMs !== undefined ? { answeredMs: r.answeredMs } : {}),
            failed: r.answeredMs !== undefined && r.ok === false,
          },
        ],
  );
  return { elapsedMs: t.elapsedMs, replicas };
}
