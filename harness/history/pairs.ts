import type { HistoryOp } from './op.js';

/** A client op seen whole: its invocation and its completion (missing completion = info). */
export interface OpPair {
  process: number;
  f: string;
  key: string;
  /** Written value for writes; returned value for ok reads; null otherwise. */
  value: unknown;
  type: 'ok' | 'fail' | 'info';
  /** Index of the invoke line. */
  index: number;
  /** Index of the completion line, when there is one. */
  completeIndex?: number;
  /** Invocation and completion times (ns); an op that never completed ends at +Infinity. */
  start: number;
  end: number;
  node?: string;
  error?: string;
  trace?: Record<string, unknown>;
  final?: boolean;
}

/** Client ops in invocation order, each joined with its completion by process. */
export function pairOps(history: readonly HistoryOp[]): OpPair[] {
  const open = new Map<number, OpPair>();
  const pairs: OpPair[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') {
      const pair: OpPair = {
        process: op.process,
        f: op.f,
        key: op.key ?? '',
        value: op.f === 'read' ? null : op.value,
        type: 'info',
        index: op.index,
        start: op.time,
        end: Number.POSITIVE_INFINITY,
      };
      if (op.node !== undefined) pair.node = op.node;
      if (op.final) pair.final = true;
      open.set(op.process, pair);
      pairs.push(pair);
      continue;
    }
    const pair = open.get(op.process);
    if (!pair) continue;
    open.delete(op.process);
    pair.type = op.type;
    pair.completeIndex = op.index;
    // An info op's effect may land at any later time, so its interval stays open.
    if (op.type !== 'info') pair.end = op.time;
    if (op.f === 'read' || pair.f === 'read') pair.value = op.type === 'ok' ? op.value : null;
    if (op.error !== undefined) pair.error = op.error;
    if (op.trace !== undefined) pair.trace = op.trace;
  }
  return pairs;
}
