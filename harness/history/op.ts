/**
 * One line of history.jsonl (the contract is in README "History format"). Client ops and nemesis
 * records share the shape so the whole history is one ordered stream.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** Client processes are numbered from 0; fault records carry the process "nemesis". */
export type Process = number | 'nemesis';

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

/** The node's account of how it served an op: kept on completions so anomalies can be explained. */
export interface ReplicaTrace {
  coordinator?: string;
  /** The replica set the coordinator chose for the key at that moment. */
  replicaSet?: string[];
  replicas?: ReplicaReply[];
  /** ms from the coordinator beginning to serve the op to its reply (the rest of the client's latency is the client's own legs). */
  elapsedMs?: number;
  /** Version (and writer) the op read or wrote. */
  version?: number | null;
  writer?: string;
}

export interface HistoryOp {
  index: number;
  type: OpType;
  process: Process;
  f: string;
  key?: string;
  value: unknown;
  /** Nanoseconds since the run began, monotonic. */
  time: number;
  /** The node that served a client op. */
  node?: string;
  /** Why an op failed or is unknown. */
  error?: string;
  trace?: ReplicaTrace;
  /** Set on the final reads, issued after every fault healed. */
  final?: boolean;
}
