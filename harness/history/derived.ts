/**
 * What every reader of a finished history derives from it, derived once: its ops joined with their
 * completions, and its fault windows. The checks, the staleness prediction and the pages all ask for
 * them; a run hands the same history to each, so the second ask costs nothing. Only for a history
 * that no longer grows.
 */
import { oncePer } from '../shared/once-per.js';
import { faultSpans, type FaultSpan } from './fault-spans.js';
import type { HistoryOp } from './op.js';
import { pairOps, type OpPair } from './pairs.js';

/** The history's client ops, each joined with its completion. */
export const pairsOf: (history: readonly HistoryOp[]) => OpPair[] = oncePer(pairOps);

/** The history's faults, from the nemesis record that began each to the one that ended it. */
export const faultsOf: (history: readonly HistoryOp[]) => FaultSpan[] = oncePer(faultSpans);
