import { checkParallel, type ModelName } from '../checker/index.js';
import type { HistoryOp } from '../history/op.js';
import type { Anomaly } from './result.js';

export interface LinearizabilityOutcome {
  anomalies: Anomaly[];
  /** False when some key ran out of time and none was found illegal. */
  decided: boolean;
  keys: Record<string, 'ok' | 'illegal' | 'unknown'>;
  /** How each decided key was decided: from the versions the system reported (a verified order, or a fact), or by the search. */
  decidedBy: Record<string, 'versions' | 'search'>;
  elapsedMs: number;
}

export interface LinearizabilityOptions {
  /** The workload's model, per key. */
  model: ModelName;
  timeLimitMs: number;
  /** Bytes the search may hold (a key that needs more is undecided). */
  memoryBudgetBytes?: number;
  /** The checker's clock (ms). Given, the keys are searched in this thread, by that clock. */
  now?: () => number;
  /** Threads to search the keys the versions left undecided (default: the machine's cores; 1: this thread). */
  threads?: number;
}

/**
 * The run's `linearizable` check: the workload's model per key, every key with its own verdict (the
 * report draws every failing key), the time limit shared out between the keys. Keys are independent,
 * so those the versions did not decide are searched side by side, one worker thread per core.
 */
export async function checkLinearizability(history: readonly HistoryOp[], o: LinearizabilityOptions): Promise<LinearizabilityOutcome> {
  const keyCount = new Set(history.flatMap((op) => (op.process !== 'nemesis' && op.key !== undefined ? [op.key] : []))).size;
  const perKeyMs = Math.max(1000, o.timeLimitMs / Math.max(1, keyCount));
  const result = await checkParallel(history, {
    model: o.model,
    perKey: true,
    timeLimitMs: perKeyMs,
    ...(o.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: o.memoryBudgetBytes } : {}),
    ...(o.now ? { now: o.now, workers: 1 } : o.threads !== undefined ? { workers: o.threads } : {}),
  });
  const keys: LinearizabilityOutcome['keys'] = {};
  const decidedBy: LinearizabilityOutcome['decidedBy'] = {};
  const anomalies: Anomaly[] = [];
  for (const part of result.partitions) {
    const key = part.key ?? '';
    keys[key] = part.valid === true ? 'ok' : part.valid === false ? 'illegal' : 'unknown';
    if (part.valid !== 'unknown') decidedBy[key] = part.decidedBy ?? 'search';
    const failure = part.failure;
    if (part.valid !== false || !failure) continue;
    const first = failure.couldNotPlace[0];
    anomalies.push({
      type: 'not-linearizable',
      key,
      index: first?.id ?? failure.longest[failure.longest.length - 1] ?? -1,
      related: [...new Set([...failure.couldNotPlace.slice(1).map((o) => o.id), ...failure.longest.slice(-3), ...(failure.fact?.ops ?? [])])].filter((id) => id !== first?.id),
      time: first?.call ?? 0,
      explanation: failure.explanation,
      longest: failure.longest,
      couldNotPlace: failure.couldNotPlace.map((o) => o.id),
      stateAfter: failure.stateAfter,
      ...(failure.fact ? { fact: failure.fact.name, factOps: failure.fact.ops } : {}),
      decidedBy: part.decidedBy ?? 'search',
    });
  }
  const decided = result.valid !== 'unknown' || anomalies.length > 0;
  return { anomalies, decided, keys, decidedBy, elapsedMs: result.elapsedMs };
}
