/**
 * A candidate linearization of one part, read off the versions the system reported: writes in
 * version order, each read right after the write whose version it returned. Only a candidate:
 * verify-order.ts decides whether it is a linearization, so nothing here needs to be right for a
 * verdict to be right; it needs to be right for the candidate to be found.
 *
 * The rules:
 * - A write's version is the one it reported; else, when a read returned the write's value with a
 *   version no write reported and only one write without a version wrote that value, that version.
 * - Writes go in order of (version, writer, value), the order godist's replicas keep records in
 *   (store.ts: version, then the coordinator's id compared as names with numbers, node-2 before
 *   node-10, then the value); etcd's revisions never tie.
 * - A read that found nothing (version null, or no version and the value null) goes before the
 *   first write; a read with a version right after the write of that version (and writer, when both
 *   say), the one with its value when several share the version. Reads after one write go in order
 *   of call (any order of them that extends real time would do: they all see the same state).
 * - A write of unknown outcome goes at its version when some read returned it. One that reported
 *   a version no read returned goes nowhere (an op of unknown outcome may never have taken effect,
 *   and no read needs it), or at its version with `placeUnread` (a cas after it may need it). One
 *   with no version at all goes nowhere.
 * - Completed ops no version places (no version, or one no write carries) are left to the model
 *   (place-unversioned.ts).
 *
 * O(n log n): sorts of the writes and of the reads, a binary search per read. Typed arrays and
 * few allocations per op: a part can hold millions of ops.
 */
import type { ValueKey } from './values.js';
import { lowerBound } from '../shared/sorted.js';

export interface VersionedOp {
  call: number;
  /** Infinity: unknown outcome. */
  return: number;
  /** What `Model.versioned` said: the op wrote its version or read it; undefined: neither. */
  role?: 'write' | 'read';
  /** The value written or read (null: nothing); undefined when the op does not say. */
  value?: ValueKey;
  /** The version the op wrote or read; null: the read found nothing; undefined: not reported. */
  version?: number | null;
  writer?: string;
}

export interface VersionOrder {
  /** Indexes of the ops versions place, in order. */
  order: number[];
  /** Completed ops no version places, for the model to place. */
  unplaced: number[];
  /** Writes of unknown outcome with a version no read returned: left out, or placed with `placeUnread`. */
  unread: number;
}

export interface VersionOrderOptions {
  /** Place the writes of unknown outcome that reported a version no read returned. */
  placeUnread?: boolean;
}

/** Where a read goes: NOTHING, before the first write (it found nothing); UNATTACHED, to the model. */
const NOTHING = -2;
const UNATTACHED = -1;

export function orderByVersions(ops: readonly VersionedOp[], options: VersionOrderOptions = {}): VersionOrder {
  const n = ops.length;
  const names = writerRanks(ops);
  const isWrite = (i: number) => ops[i]!.role === 'write';
  const isRead = (i: number) => ops[i]!.role === 'read' && ops[i]!.return !== Infinity;

  // The version and writer each write stands at: reported, or learnt from a read below.
  const version = new Float64Array(n).fill(NaN);
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[i] = ops[i]!.writer === undefined ? -1 : names.get(ops[i]!.writer!)!;
  const tagged: number[] = [];
  const untaggedByValue = new Map<ValueKey, number[]>();
  for (let i = 0; i < n; i++) {
    if (!isWrite(i)) continue;
    const v = ops[i]!.version;
    if (typeof v === 'number') {
      version[i] = v;
      tagged.push(i);
    } else if (ops[i]!.value !== undefined) {
      const list = untaggedByValue.get(ops[i]!.value!);
      if (list) list.push(i);
      else untaggedByValue.set(ops[i]!.value!, [i]);
    }
  }

  /** The replicas' order of writes; calls and indexes only make the sort deterministic. */
  const writeOrder = (a: number, b: number) =>
    version[a]! - version[b]! || rank[a]! - rank[b]! || compareValues(ops[a]!.value, ops[b]!.value) || ops[a]!.call - ops[b]!.call || a - b;
  let versions = sortWrites(tagged, writeOrder, version);
  /**
   * Of the writes at a read's version, the one it returned: of the same writer when both say, of
   * the same value when both say (none fits: UNATTACHED), else the last in the replicas' order.
   */
  const writeOf = (read: number): number => {
    const v = ops[read]!.version as number;
    const r = rank[read]!;
    const value = ops[read]!.value;
    let best = UNATTACHED;
    for (let k = lowerBound(versions, v); k < versions.length && versions[k] === v; k++) {
      const w = tagged[k]!;
      if (r !== -1 && rank[w] !== -1 && rank[w] !== r) continue;
      const wv = ops[w]!.value;
      if (value !== undefined && wv !== undefined && wv !== value) continue;
      best = w;
    }
    return best;
  };

  // A read that returned a value at a version (and writer) no write reported names the write of
  // that value, when only one write without a version wrote it.
  let learnt = false;
  for (let i = 0; i < n; i++) {
    if (!isRead(i)) continue;
    const { version: v, value } = ops[i]!;
    if (typeof v !== 'number' || value === undefined || value === null || writeOf(i) !== UNATTACHED) continue;
    const candidates = untaggedByValue.get(value);
    if (candidates?.length !== 1) continue;
    const w = candidates[0]!;
    version[w] = v;
    rank[w] = rank[i]!;
    tagged.push(w);
    untaggedByValue.delete(value);
    learnt = true;
  }
  if (learnt) versions = sortWrites(tagged, writeOrder, version);

  const attachedTo = new Int32Array(n).fill(UNATTACHED);
  const observed = new Uint8Array(n);
  const unplaced: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!isRead(i)) continue;
    const { version: v, value } = ops[i]!;
    if (v === null || (v === undefined && value === null)) {
      attachedTo[i] = NOTHING;
      continue;
    }
    const w = typeof v === 'number' ? writeOf(i) : UNATTACHED;
    if (w === UNATTACHED) unplaced.push(i);
    else {
      attachedTo[i] = w;
      observed[w] = 1;
    }
  }

  let unread = 0;
  for (let i = 0; i < n; i++) {
    const known = ops[i]!.return !== Infinity;
    if (known && (ops[i]!.role === undefined || (isWrite(i) && Number.isNaN(version[i]!)))) unplaced.push(i);
  }
  const writes = tagged.filter((w) => {
    if (ops[w]!.return !== Infinity || observed[w]) return true;
    unread++;
    return options.placeUnread === true;
  });
  // The write each read follows, as a segment: 0 before the first write, k + 1 after writes[k].
  const segmentOfWrite = new Int32Array(n).fill(-1);
  for (let k = 0; k < writes.length; k++) segmentOfWrite[writes[k]!] = k + 1;
  const reads: number[] = [];
  const segment = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = attachedTo[i]!;
    if (w === UNATTACHED) continue;
    segment[i] = w === NOTHING ? 0 : segmentOfWrite[w]!;
    reads.push(i);
  }
  reads.sort((a, b) => segment[a]! - segment[b]! || ops[a]!.call - ops[b]!.call || ops[a]!.return - ops[b]!.return || a - b);

  const order: number[] = [];
  let r = 0;
  for (let k = 0; k <= writes.length; k++) {
    if (k > 0) order.push(writes[k - 1]!);
    while (r < reads.length && segment[reads[r]!] === k) order.push(reads[r++]!);
  }
  unplaced.sort((a, b) => a - b);
  return { order, unplaced, unread };
}

/** Sorts the writes in place; returns their versions in that order, for binary searches. */
function sortWrites(writes: number[], order: (a: number, b: number) => number, version: Float64Array): Float64Array {
  writes.sort(order);
  const out = new Float64Array(writes.length);
  for (let k = 0; k < writes.length; k++) out[k] = version[writes[k]!]!;
  return out;
}

/** Ranks of the writer names, as godist's ids compare: runs of digits by their number. */
function writerRanks(ops: readonly VersionedOp[]): Map<string, number> {
  const names = new Set<string>();
  for (const op of ops) if (op.writer !== undefined) names.add(op.writer);
  const sorted = [...names].sort(compareNames);
  return new Map(sorted.map((name, i) => [name, i]));
}

const DIGITS = /(\d+)/;

/** Names with numbers in them, e.g. node-2 before node-10. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.split(DIGITS);
  const y = b.split(DIGITS);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    // Odd pieces are runs of digits.
    if (i % 2 === 1) {
      const p = x[i]!.replace(/^0+(?=\d)/, '');
      const q = y[i]!.replace(/^0+(?=\d)/, '');
      if (p.length !== q.length) return p.length - q.length;
      if (p !== q) return p < q ? -1 : 1;
      continue;
    }
    return x[i]! < y[i]! ? -1 : 1;
  }
  if (x.length !== y.length) return x.length - y.length;
  return a < b ? -1 : 1;
}

const TYPE_RANK: Record<string, number> = { undefined: 0, object: 1, boolean: 2, number: 3, string: 4 };

function compareValues(a: ValueKey | undefined, b: ValueKey | undefined): number {
  if (a === b) return 0;
  const ta = TYPE_RANK[typeof a]!;
  const tb = TYPE_RANK[typeof b]!;
  if (ta !== tb) return ta - tb;
  if (a === null || a === undefined) return -1;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}
