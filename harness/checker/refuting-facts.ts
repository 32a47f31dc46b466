/**
 * Facts that prove a part not linearizable on their own, found in O(n) without any search and
 * without trusting a version: they read only values, roles and times. The proofs are in
 * docs/checker.md ("Proofs").
 *
 * - never-written: a completed read returned a value (not the initial nothing) that no op in the
 *   part could have written;
 * - written-after-read: every op that could have written that value was called after the read
 *   returned;
 * - overwritten: before the read began, a completed op had left (a write) or seen (a read) another
 *   value, and every op that could have written the read's value in time had returned before that
 *   op began. (register-explain.ts's "overwritten" and "back in time" sentences, as one fact.)
 *
 * "Could have written v": an op whose role is `write` (of any outcome: one of unknown outcome may
 * have taken effect) with the value v, or with no value given (an append: it could leave anything).
 * This rests on `Model.versioned`'s promise that every op that can change the state says `write`,
 * and that a completed op that states a value leaves (write) or saw (read) that value.
 *
 * O(n log n): per value, its writes by call with the latest return so far; the completed ops that
 * state a value, by return, with the latest call so far (and the latest of another value).
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

export type FactName = 'never-written' | 'written-after-read' | 'overwritten';

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
  const writers = new Map<ValueKey, FactOp[]>();
  const open: FactOp[] = [];
  const observers: FactOp[] = [];
  for (const op of ops) {
    if (op.role === 'write') {
      if (op.value === undefined) open.push(op);
      else {
        const list = writers.get(op.value);
        if (list) list.push(op);
        else writers.set(op.value, [op]);
      }
    }
    if (op.return !== Infinity && op.value !== undefined && op.role !== undefined) observers.push(op);
  }
  const writesOf = new Map([...writers].map(([v, list]) => [v, new WritesByCall(list)]));
  const openWrites = new WritesByCall(open);
  const latestObserver = new LatestBefore(observers);

  let found: { read: FactOp; fact: FactName; other?: FactOp; latestSource?: number } | undefined;
  for (const read of ops) {
    if (read.role !== 'read' || read.return === Infinity || read.value === undefined) continue;
    if (found && (read.return > found.read.return || (read.return === found.read.return && read.id > found.read.id))) continue;
    const v = read.value;
    const own = writesOf.get(v);
    if (v !== null) {
      const first = earlier(own?.first, openWrites.first);
      if (first === undefined) {
        found = { read, fact: 'never-written' };
        continue;
      }
      if (first.call > read.return) {
        found = { read, fact: 'written-after-read', other: first };
        continue;
      }
    }
    // The writes of v that could come before the read: the latest of their returns.
    const latestSource = Math.max(own?.latestReturnCalledBy(read.return) ?? -Infinity, openWrites.latestReturnCalledBy(read.return));
    const other = latestObserver.query(read.call, v);
    if (other && other.call > latestSource) found = { read, fact: 'overwritten', other, latestSource };
  }
  if (!found) return undefined;

  const where = options.key === undefined || options.key === null || options.key === '' ? 'the register' : options.key;
  const t = options.formatTime ?? String;
  const show = (x: ValueKey) => formatValue(keyValue(x));
  const { read, fact, other } = found;
  const v = read.value!;
  const subject = v === null ? `${read.f} of ${where} found no value at ${t(read.return)}` : `${read.f} of ${where} returned ${show(v)} at ${t(read.return)}`;
  switch (fact) {
    case 'never-written':
      return { fact, explanation: `${subject}, but ${show(v)} was never written to ${where}`, ops: [read.id] };
    case 'written-after-read': {
      const count = writers.get(v)?.length ?? 0;
      const which =
        open.length > 0
          ? `every op that could have written ${show(v)} to ${where} began after this ${read.f} ended (the first at ${t(other!.call)})`
          : count === 1
            ? `the only write of ${show(v)} to ${where} began after this ${read.f} ended, at ${t(other!.call)}`
            : `every write of ${show(v)} to ${where} began after this ${read.f} ended (the first at ${t(other!.call)})`;
      return { fact, explanation: `${subject}, but ${which}`, ops: [read.id, other!.id] };
    }
    case 'overwritten': {
      const o = other!;
      const before = `before this ${read.f} began at ${t(read.call)}`;
      const sources =
        found.latestSource === -Infinity ? '' : `, and every write of ${show(v)} that could come before it had been acknowledged before that ${o.f} began`;
      const explanation =
        o.role === 'write'
          ? v === null
            ? `${subject}, but a ${o.f} of ${show(o.value!)} to ${where} had been acknowledged at ${t(o.return)}, ${before}`
            : `${subject}, but ${show(v)} had been overwritten by a ${o.f} of ${show(o.value!)}, acknowledged at ${t(o.return)}, ${before}${sources}`
          : `${subject}, but an earlier ${o.f} had already returned ${show(o.value!)} at ${t(o.return)}, ${before}${sources}`;
      return { fact, explanation, ops: [read.id, o.id] };
    }
  }
}

function earlier(a: FactOp | undefined, b: FactOp | undefined): FactOp | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.call < a.call ? b : a;
}

/** Writes ordered by call, answering: of those called by t, the latest return (Infinity: unknown outcome)? */
class WritesByCall {
  readonly first: FactOp | undefined;
  private readonly calls: Float64Array;
  private readonly latestReturn: Float64Array;

  constructor(writes: readonly FactOp[]) {
    const sorted = [...writes].sort((a, b) => a.call - b.call);
    this.first = sorted[0];
    this.calls = Float64Array.from(sorted, (w) => w.call);
    this.latestReturn = new Float64Array(sorted.length);
    let latest = -Infinity;
    sorted.forEach((w, k) => (this.latestReturn[k] = latest = Math.max(latest, w.return)));
  }

  latestReturnCalledBy(t: number): number {
    const k = countWhile(this.calls.length, (i) => this.calls[i]! <= t);
    return k === 0 ? -Infinity : this.latestReturn[k - 1]!;
  }
}

/** Completed ops that state a value, by return: of those returned before t, the one called last with a value other than `not`. */
class LatestBefore {
  private readonly returns: Float64Array;
  private readonly best: FactOp[] = [];
  private readonly second: (FactOp | undefined)[] = [];

  constructor(ops: readonly FactOp[]) {
    const sorted = [...ops].sort((a, b) => a.return - b.return);
    this.returns = Float64Array.from(sorted, (o) => o.return);
    let b1: FactOp | undefined;
    let b2: FactOp | undefined;
    for (const o of sorted) {
      if (!b1 || o.call > b1.call) {
        if (b1 && b1.value !== o.value) b2 = b1;
        b1 = o;
      } else if (o.value !== b1.value && (!b2 || o.call > b2.call)) b2 = o;
      this.best.push(b1);
      this.second.push(b2);
    }
  }

  query(t: number, not: ValueKey): FactOp | undefined {
    const k = countWhile(this.returns.length, (i) => this.returns[i]! < t);
    if (k === 0) return undefined;
    const b1 = this.best[k - 1]!;
    return b1.value !== not ? b1 : this.second[k - 1];
  }
}

/** How many i in [0, n) satisfy `holds`, which holds for a prefix. */
function countWhile(n: number, holds: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
