import type { HistoryOp } from '../harness/history/op.js';
import type { Random } from '../harness/run/random.js';

/** What a worker asks of the store next. */
export interface OpRequest {
  f: 'read' | 'write';
  key: string;
  /** The value to write (unique across the run); null for reads. */
  value: unknown;
}

export interface WorkerContext {
  /** This worker's own random stream: the same seed gives the same sequence of ops. */
  random: Random;
  worker: number;
  keys: number;
  /** A run-wide counter, so every written value is unique and values grow with time. */
  nextValue(): number;
}

/** A workload is data plus a generator: which ops the clients issue, and what to read at the end. */
export interface Workload {
  name: string;
  description: string;
  generator(ctx: WorkerContext): () => OpRequest;
  /** Keys to read through every node once faults have healed (the final reads). */
  finalKeys(history: readonly HistoryOp[]): string[];
}

/** Every key any client op touched, in first-use order. */
export function keysTouched(history: readonly HistoryOp[]): string[] {
  const seen = new Set<string>();
  for (const op of history) if (op.process !== 'nemesis' && op.key !== undefined) seen.add(op.key);
  return [...seen];
}
