/**
 * Facts that prove a part not linearizable on their own, found in O(n) without any search and
 * without trusting a version: they read only values, roles and times. The proofs are in
 * docs/checker.md ("Proofs").
 *
 * - never-written: a completed read returned a value (not the initial nothing) that no op in the
 *   part could have written;
 * - written-after-read: every op that could have written that value was called after the read
 *   returned.
 *
 * "Could have written v": an op whose role is `write` (of any outcome: one of unknown outcome may
 * have taken effect) with the value v, or with no value given (an append: it could leave anything).
 * This rests on `Model.versioned`'s promise that every op that can change the state says `write`.
 */
import { formatValue, keyValue, type ValueKey } from './values.js';

export interface FactOp {
  id: number;
  /** The op's name for sentences, e.g. `read`, `get`. */
  f: string;
  call: number;
  /** Infinity: unknown outcome. */
  return: number;
  role?: 'write' | 'read';
  value?: ValueKey;
}

export type FactName = 'never-written' | 'written-after-read';

export interface RefutingFact {
  fact: FactName;
  explanation: string;
  /** Ids of the ops the fact is about: the read first, then the earliest write, if any. */
  ops: number[];
}

export interface FactOptions {
  /** The part's key, for sentences. */
  key?: string | null;
  formatTime?: (t: number) => string;
}

/** The fact about the earliest-returning read that has one, or undefined. */
export function findRefutingFact(ops: readonly FactOp[], options: FactOptions = {}): RefutingFact | undefined {
  // Earliest call of the writes of each value, and of the writes that do not say.
  const firstWrite = new Map<ValueKey, FactOp>();
  const writesOf = new Map<ValueKey, number>();
  let firstOpen: FactOp | undefined;
  for (const op of ops) {
    if (op.role !== 'write') continue;
    if (op.value === undefined) {
      if (!firstOpen || op.call < firstOpen.call) firstOpen = op;
      continue;
    }
    const seen = firstWrite.get(op.value);
    if (!seen || op.call < seen.call) firstWrite.set(op.value, op);
    writesOf.set(op.value, (writesOf.get(op.value) ?? 0) + 1);
  }

  let found: { read: FactOp; fact: FactName; first?: FactOp } | undefined;
  for (const op of ops) {
    if (op.role !== 'read' || op.return === Infinity || op.value === undefined || op.value === null) continue;
    if (found && (op.return > found.read.return || (op.return === found.read.return && op.id > found.read.id))) continue;
    const own = firstWrite.get(op.value);
    const first = own && firstOpen ? (firstOpen.call < own.call ? firstOpen : own) : (own ?? firstOpen);
    if (first === undefined) found = { read: op, fact: 'never-written' };
    else if (first.call > op.return) found = { read: op, fact: 'written-after-read', first };
  }
  if (!found) return undefined;

  const where = options.key === undefined || options.key === null || options.key === '' ? 'the register' : options.key;
  const t = options.formatTime ?? String;
  const { read, fact, first } = found;
  const v = formatValue(keyValue(read.value!));
  const subject = `${read.f} of ${where} returned ${v} at ${t(read.return)}`;
  if (fact === 'never-written') return { fact, explanation: `${subject}, but ${v} was never written to ${where}`, ops: [read.id] };
  const count = writesOf.get(read.value!) ?? 0;
  const which =
    firstOpen !== undefined
      ? `every op that could have written ${v} to ${where} began after this ${read.f} ended (the first at ${t(first!.call)})`
      : count === 1
        ? `the only write of ${v} to ${where} began after this ${read.f} ended, at ${t(first!.call)}`
        : `every write of ${v} to ${where} began after this ${read.f} ended (the first at ${t(first!.call)})`;
  return { fact, explanation: `${subject}, but ${which}`, ops: [read.id, first!.id] };
}
