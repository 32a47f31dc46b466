/**
 * Plain sentences for registers that are not linearizable. Each rule below is a proof on its own
 * (it holds whatever order the search tried), so a sentence never blames an op unfairly:
 *
 * - never written: a read returned a value no op ever wrote;
 * - from the future: every write of that value began after the read ended;
 * - overwritten: every write of the value that could precede the read was followed, before the
 *   read began, by a completed write of another value (for "no value": some write had completed
 *   before the read began);
 * - back in time: an earlier read, finished before this one began, had already seen another value,
 *   and every write of this one had completed before that earlier read began.
 *
 * A completed cas that swapped counts as a read of its expected value and as a write of its new
 * one. Ops of unknown outcome can write (at any time after their call) but never overwrite for
 * certain. When no rule fits, the checker's general sentence is used.
 */
import type { FailureContext } from '../model.js';
import { casPair, type Operation } from '../operation.js';
import { formatValue, keyValue, valueKey, type ValueKey } from '../values.js';

interface Change {
  op: Operation;
  value: ValueKey;
}

/** Ops ordered by return, answering: among those that returned before t, which began last? */
class LatestBefore {
  private readonly returns: number[] = [];
  private readonly best: Change[] = [];
  private readonly second: (Change | undefined)[] = [];

  constructor(items: Change[]) {
    const sorted = [...items].sort((a, b) => a.op.return - b.op.return);
    let b1: Change | undefined;
    let b2: Change | undefined;
    for (const it of sorted) {
      if (!b1 || it.op.call > b1.op.call) {
        if (b1 && b1.value !== it.value) b2 = b1;
        b1 = it;
      } else if (it.value !== b1.value && (!b2 || it.op.call > b2.op.call)) {
        b2 = it;
      }
      this.returns.push(it.op.return);
      this.best.push(b1);
      this.second.push(b2);
    }
  }

  /** The op that began last among those with a value other than `not` that returned before `t`. */
  query(t: number, not: ValueKey): Change | undefined {
    let lo = 0;
    let hi = this.returns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.returns[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const b1 = this.best[lo - 1]!;
    return b1.value !== not ? b1 : this.second[lo - 1];
  }
}

/** The value an op may leave in the register, if it writes. */
function written(op: Operation): ValueKey | undefined {
  if (op.f === 'write') return valueKey(op.value);
  if (op.f === 'cas' && op.output !== false) {
    const pair = casPair(op);
    return pair ? valueKey(pair[1]) : undefined;
  }
  return undefined;
}

/** The value an op saw, when it completed and saw one. */
function observed(op: Operation): ValueKey | undefined {
  if (op.return === Infinity) return undefined;
  if (op.f === 'read') return valueKey(op.output);
  if (op.f === 'cas' && op.output === true) {
    const pair = casPair(op);
    return pair ? valueKey(pair[0]) : undefined;
  }
  return undefined;
}

export function explainRegister(ctx: FailureContext<ValueKey>): string | undefined {
  const where = ctx.key === undefined || ctx.key === '' ? 'the register' : ctx.key;
  const t = ctx.formatTime;
  const show = (v: ValueKey) => formatValue(keyValue(v));

  const writers = new Map<ValueKey, Operation[]>();
  const changes: Change[] = [];
  const reads: Change[] = [];
  for (const op of ctx.ops) {
    const w = written(op);
    if (w !== undefined) {
      const list = writers.get(w);
      if (list) list.push(op);
      else writers.set(w, [op]);
      if (op.return !== Infinity) changes.push({ op, value: w });
    }
    if (op.f === 'read' && op.return !== Infinity) reads.push({ op, value: valueKey(op.output) });
  }
  const lastChange = new LatestBefore(changes);
  const lastRead = new LatestBefore(reads);

  const subject = (op: Operation, v: ValueKey): string => {
    if (op.f === 'cas') {
      const pair = casPair(op)!;
      return `cas of ${where} from ${formatValue(pair[0])} to ${formatValue(pair[1])} succeeded at ${t(op.return)}`;
    }
    return v === null ? `read of ${where} found no value at ${t(op.return)}` : `read of ${where} returned ${show(v)} at ${t(op.return)}`;
  };
  const kind = (op: Operation) => (op.f === 'cas' ? 'cas' : 'read');
  const changeWords = (c: Change) => (c.op.f === 'write' ? show(c.value) : `a cas to ${show(c.value)}`);

  const explainOne = (r: Operation): string | undefined => {
    const v = observed(r);
    if (v === undefined) return undefined;
    const all = (writers.get(v) ?? []).filter((w) => w !== r);
    if (v !== null && all.length === 0) return `${subject(r, v)}, but ${show(v)} was never written to ${where}`;
    // Writes of v that could take effect before r did (a call at r's return time is concurrent).
    const before = all.filter((w) => w.call <= r.return);
    if (v !== null && before.length === 0) {
      const first = all.reduce((a, b) => (b.call < a.call ? b : a));
      const which = all.length === 1 ? 'the only write' : 'every write';
      return `${subject(r, v)}, but ${which} of ${show(v)} to ${where} began after this ${kind(r)} ended${all.length === 1 ? `, at ${t(first.call)}` : ` (the first at ${t(first.call)})`}`;
    }
    // Overwritten: after each such write completed (or from the start, for "no value"), a write
    // of another value began and completed before r began.
    const sources: number[] = before.map((w) => w.return);
    if (v === null) sources.push(-Infinity);
    const latestSource = Math.max(...sources);
    const overwrite = lastChange.query(r.call, v);
    if (overwrite && sources.every((s) => overwrite.op.call > s)) {
      if (v === null) {
        return `${subject(r, v)}, but a write of ${show(overwrite.value)} to ${where} had been acknowledged at ${t(overwrite.op.return)}, before this ${kind(r)} began at ${t(r.call)}`;
      }
      const others = before.length > 1 ? ` (as had each of the ${before.length} writes of ${show(v)} that could come before it)` : '';
      return `${subject(r, v)}, but ${show(v)} had been overwritten by ${changeWords(overwrite)}, acknowledged at ${t(overwrite.op.return)}, before this ${kind(r)} began at ${t(r.call)}${others}`;
    }
    // Back in time: a read that ended before r began saw another value after every write of v.
    const earlier = lastRead.query(r.call, v);
    if (earlier && earlier.op.call > latestSource) {
      const writes = before.length === 0 ? '' : `, and every write of ${show(v)} had been acknowledged before that read began`;
      return `${subject(r, v)}, but an earlier read had already returned ${show(earlier.value)} at ${t(earlier.op.return)}, before this ${kind(r)} began at ${t(r.call)}${writes}`;
    }
    return undefined;
  };

  const tried = new Set<Operation>();
  for (const op of ctx.couldNotPlace) {
    tried.add(op);
    const s = explainOne(op);
    if (s) return s;
  }
  for (const op of ctx.ops) {
    if (tried.has(op)) continue;
    const s = explainOne(op);
    if (s) return s;
  }
  return undefined;
}
