/**
 * What every reader of a finished history derives from it, derived once: its ops joined with their
 * completions, and its fault windows. The checks, the staleness prediction and the pages all ask for
 * them; a run hands the same history to each, so the second ask costs nothing.
 */
import { faultSpans, type FaultSpan } from './fault-spans.js';
import type { HistoryOp } from './op.js';
import { pairOps, type OpPair } from './pairs.js';

interface Derived {
  pairs?: OpPair[];
  faults?: FaultSpan[];
}

const cache = new WeakMap<readonly HistoryOp[], Derived>();

function derivedOf(history: readonly HistoryOp[]): Derived {
  let d = cache.get(history);
  if (!d) cache.set(history, (d = {}));
  return d;
}

/** The history's client ops, each joined with its completion. Only for a history that no longer grows. */
export function pairsOf(history: readonly HistoryOp[]): OpPair[] {
  const d = derivedOf(history);
  return (d.pairs ??= pairOps(history));
}

/** The history's faults, from the nemesis record that began each to the one that ended it. Only for a history that no longer grows. */
export function faultsOf(history: readonly HistoryOp[]): FaultSpan[] {
  const d = derivedOf(history);
  return (d.faults ??= faultSpans(history));
}
