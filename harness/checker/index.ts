/**
 * godist's linearizability checker (`import { check, models } from 'godist/checker'`): the
 * Wing–Gong–Lowe search as Porcupine does it, with Jepsen's meaning of ok / fail / info, over
 * models written as records of plain functions. Pure but for the clock: it reads no file, and reads
 * `options.now` (performance.now unless given) for `elapsedMs` and any time limit. The one edge is
 * `checkParallel` (parallel.ts), which searches the keys in worker threads.
 */
import type { HistoryOp } from '../history/op.js';
import { check as checkWith, checkOperations as checkOperationsWith, type CheckOptions } from './check.js';
import type { Operation } from './operation.js';
import type { CheckResult } from './result.js';
import { v8Heap } from './v8-heap.js';

/** The clock at the edge (and the heap, v8-heap.ts): used only when the caller gives none. */
const defaultNow = () => performance.now();

/**
 * Checks a history of invoke/ok/fail/info records (history.jsonl, or Jepsen EDN read into the same
 * shape) for linearizability under `options.model` (default `register`, per key).
 */
export function check(history: readonly HistoryOp[], options: CheckOptions = {}): CheckResult {
  return checkWith(history, { ...options, now: options.now ?? defaultNow, heap: options.heap ?? v8Heap });
}

/** Checks ops whose invocations and completions are already joined (e.g. read from a Jepsen log). */
export function checkOperations(ops: readonly Operation[], options: CheckOptions = {}): CheckResult {
  return checkOperationsWith(ops, { ...options, now: options.now ?? defaultNow, heap: options.heap ?? v8Heap });
}

export { byteSizeFlag, formatBytes, parseByteSize } from './byte-size.js';
export { defaultMemoryBudgetBytes, type CheckOptions } from './check.js';
export { generalExplanation, timeFormatter } from './check.js';
export { checkOperationsParallel, checkParallel, type ParallelCheckResult, type ParallelOptions } from './parallel.js';
export type { FailureContext, Model, VersionRole } from './model.js';
export { casRegister, kv, modelNames, models, register, type ModelName } from './models/index.js';
export { isUnknownOutcome, toOperations, type Operation, type ToOperationsOptions } from './operation.js';
export type { CheckResult, Failure, OpSummary, PartitionResult, TimeUnit, Validity } from './result.js';
export { LinearizationSearch, type SearchModel, type SearchStatus } from './search.js';
export { verifyOrder, type OrderFault } from './verify-order.js';
export { toWitnessOps } from './version-pass.js';
export { witnessLinearization, type WitnessOp, type WitnessVerdict } from './version-witness.js';
