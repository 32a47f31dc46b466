/**
 * One line of history.jsonl (the contract is in README "History format"). Client ops and nemesis
 * records share the shape so the whole history is one ordered stream.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** Client processes are numbered from 0; fault records carry the process "nemesis". */
export type Process = number | 'nemesis';

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
  /** The system's own account of how it served the op (opaque here: only the system reads it). */
  trace?: Record<string, unknown>;
  /** Set on the final reads, issued after every fault healed. */
  final?: boolean;
}
