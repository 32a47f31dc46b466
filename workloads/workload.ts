import type { ModelName } from '../harness/checker/index.js';
import type { HistoryOp } from '../harness/history/op.js';
import type { Random } from '../harness/shared/random.js';
import type { OpName, OpRequest } from '../harness/systems/types.js';

export type { OpRequest };

export interface WorkerContext {
  /** This worker's own random stream: the same seed gives the same sequence of ops. */
  random: Random;
  worker: number;
  keys: number;
  /** The next key, from the run's shared ring of `keys` slots (which retires a key after its op budget). */
  key(): string;
  /** A run-wide counter, so every written value is unique and values grow with time. */
  nextValue(): number;
  /** One map every worker of the run shares: what one worker's generator issued, another's may use. */
  shared: Map<string, unknown>;
}

/**
 * A workload is data plus a generator, as Maelstrom's are: which ops the clients issue (a system
 * must offer them all), what to read at the end, and the model its history is checked with.
 */
export interface Workload {
  name: string;
  description: string;
  ops: readonly OpName[];
  /** The sequential model of the linearizability check, per key. */
  model: ModelName;
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
