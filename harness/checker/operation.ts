/**
 * What the checker works on: one operation with its invocation and its completion joined, in
 * Jepsen's terms. A history of invoke/ok/fail/info records becomes a list of these.
 */
import type { HistoryOp, Process } from '../history/op.js';
import { UsageError } from '../shared/usage-error.js';

export interface Operation {
  /** The id reports use: the `index` of the invoke record in the source history. */
  id: number;
  process: Process;
  f: string;
  key?: string;
  /** The invoke's argument: the value written, `[expected, new]` for a cas, null for a read. */
  value: unknown;
  /**
   * What the completion reported: the value a read returned; for a cas, `true` when it swapped and
   * `false` when it ran and its compare failed. Undefined when the outcome is unknown.
   */
  output?: unknown;
  /** When the op was invoked (the source's time unit). */
  call: number;
  /**
   * When it completed; `Infinity` when its outcome is unknown (`info`, or no completion at all): it
   * may take effect at any time after `call`, or never.
   */
  return: number;
  /**
   * The version the system reported with the op's completion, when it reports one (godist: the
   * reply's `version`; etcd: the key's mod revision): for a write, the version it created (an
   * unknown outcome keeps it when the reply carried one); for a read, the version of the value it
   * returned; null: the read found nothing. Only a guide to the version pass (version-pass.ts),
   * which verifies every order it builds: a wrong version never makes a verdict wrong.
   */
  version?: number | null;
  /** Who chose `version`, breaking ties of equal versions (godist: the coordinator's id). */
  writer?: string;
}

export function isUnknownOutcome(op: Operation): boolean {
  return op.return === Infinity;
}

/** A cas op's `[expected, new]`, or undefined when its value is not such a pair. */
export function casPair(op: Operation): [unknown, unknown] | undefined {
  const v = op.value;
  return Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined;
}

export interface ToOperationsOptions {
  /** 1-based source line of each record, for error messages; record positions are used without it. */
  lines?: readonly number[];
}

/**
 * Joins invocations with their completions, by process, with Jepsen's meaning of each completion:
 * `ok` happened (a cas that is `ok` swapped); `fail` certainly did not happen and is left out;
 * `info` (or no completion by the end of the history) may have happened at any time after its
 * invocation, or never, and gets `return: Infinity`. Nemesis records are skipped. Whether an op of
 * unknown outcome constrains anything is the model's business (an unknown read does not), not this
 * function's. Throws UsageError for a history that breaks the invoke/complete rules.
 */
export function toOperations(history: readonly HistoryOp[], options: ToOperationsOptions = {}): Operation[] {
  const where = (i: number) =>
    options.lines ? `line ${options.lines[i]}` : `record ${i + 1} (index ${history[i]!.index})`;
  const open = new Map<Process, { op: Operation; at: number; slot: number }>();
  const slots: (Operation | undefined)[] = [];
  for (let i = 0; i < history.length; i++) {
    const rec = history[i]!;
    if (rec.process === 'nemesis') continue;
    if (rec.type === 'invoke') {
      const prior = open.get(rec.process);
      if (prior) {
        throw new UsageError(
          `${where(i)}: process ${rec.process} invokes ${rec.f} while its ${prior.op.f} from ${where(prior.at)} has not completed (a process runs one op at a time)`,
        );
      }
      const op: Operation = { id: rec.index, process: rec.process, f: rec.f, value: rec.value, call: rec.time, return: Infinity };
      if (rec.key !== undefined) op.key = rec.key;
      open.set(rec.process, { op, at: i, slot: slots.length });
      slots.push(op);
      continue;
    }
    const pending = open.get(rec.process);
    if (!pending) {
      throw new UsageError(`${where(i)}: process ${rec.process} completes (${rec.type}) a ${rec.f} it never invoked`);
    }
    const { op } = pending;
    if (op.f !== rec.f) {
      throw new UsageError(`${where(i)}: process ${rec.process} completes a ${rec.f}, but its open op is a ${op.f} (${where(pending.at)})`);
    }
    if (rec.key !== undefined && op.key !== undefined && rec.key !== op.key) {
      throw new UsageError(`${where(i)}: process ${rec.process} completes a ${rec.f} of key ${JSON.stringify(rec.key)}, but invoked it on key ${JSON.stringify(op.key)} (${where(pending.at)})`);
    }
    if (rec.time < op.call) {
      throw new UsageError(`${where(i)}: completion time ${rec.time} is before its invocation's time ${op.call}`);
    }
    open.delete(rec.process);
    if (rec.type === 'fail') {
      // Certainly did not happen: it constrains nothing.
      slots[pending.slot] = undefined;
      continue;
    }
    reportedVersion(rec, op);
    if (rec.type === 'info') continue; // unknown: return stays Infinity
    op.return = rec.time;
    // A cas that is ok swapped; a write reports nothing; anything else reports what it read.
    if (rec.f === 'cas') op.output = true;
    else if (rec.f !== 'write' && rec.f !== 'put' && rec.f !== 'append') op.output = rec.value;
  }
  return slots.filter((op): op is Operation => op !== undefined);
}

/** Copies the version a completion's trace reports onto its op: `version`, else etcd's `modRevision`. */
function reportedVersion(rec: HistoryOp, op: Operation): void {
  const trace = rec.trace as (HistoryOp['trace'] & { modRevision?: unknown }) | undefined;
  if (!trace) return;
  const v = trace.version !== undefined ? trace.version : trace.modRevision;
  if (v === null || (typeof v === 'number' && Number.isFinite(v))) op.version = v;
  if (typeof trace.writer === 'string') op.writer = trace.writer;
}
