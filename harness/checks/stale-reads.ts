import type { OpPair } from '../history/pairs.js';
import { lowerBound, upperBound } from '../shared/sorted.js';
import { oncePer } from '../shared/once-per.js';

/** A read that returned something older than a write acknowledged before the read began. */
export interface StaleRead {
  key: string;
  read: OpPair;
  /** The write whose value the read returned; undefined when it returned nothing (null). */
  source?: OpPair;
  /** Writes acknowledged before the read began that certainly came after `source`, oldest first. */
  missed: OpPair[];
  /** k-staleness: how many such newer writes the read missed. */
  versionsBehind: number;
  /** t-visibility: ms between the first missed write's acknowledgement and the read's start. */
  msSinceAck: number;
}

/**
 * Ok writes of each key, and for each written value the write that wrote it (values are unique). A
 * compare-and-set counts as a write of its new value (its pair here carries that value alone): an
 * ok cas wrote it, an info cas may have, a failed one did not. What a cas compared against is a
 * read of sorts, but not one that returns a value, so it is no read here: the linearizability
 * check (the cas-register model) judges it.
 */
/** Shared by every reader of the same pairs (indexWrites), so read-only. */
export interface WriteIndex {
  byKey: ReadonlyMap<string, readonly OpPair[]>;
  byValue: ReadonlyMap<string, ReadonlyMap<unknown, OpPair>>;
}

/** The op as a write of one value: a write as it is, a cas `[expected, new]` as a write of `new`; otherwise undefined. */
export function asWrite(p: OpPair): OpPair | undefined {
  if (p.f === 'write') return p;
  if (p.f === 'cas' && Array.isArray(p.value) && p.value.length === 2) return { ...p, value: p.value[1] as unknown };
  return undefined;
}

/** The checks and the staleness measures all index the same pairs (a run's, a report's): once per pairs array. */
export const indexWrites = oncePer((pairs: readonly OpPair[]): WriteIndex => {
  const byKey = new Map<string, OpPair[]>();
  const byValue = new Map<string, Map<unknown, OpPair>>();
  for (const op of pairs) {
    const p = asWrite(op);
    if (!p) continue;
    if (!byValue.has(p.key)) byValue.set(p.key, new Map());
    byValue.get(p.key)!.set(p.value, p);
    if (p.type !== 'ok') continue;
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key)!.push(p);
  }
  for (const writes of byKey.values()) writes.sort((a, b) => a.end - b.end);
  return { byKey, byValue };
});

/**
 * Stale reads by real time alone: a read r of k is stale when some write w of k was acknowledged
 * before r began and r returned a value whose write was acknowledged before w began (or returned
 * nothing). A value written by an op of unknown outcome (info) may have landed at any time, so
 * reads of it are never called stale; reads of values nobody wrote are left to the
 * linearizability check.
 */
export function findStaleReads(pairs: readonly OpPair[], writes: WriteIndex = indexWrites(pairs)): StaleRead[] {
  // Per key, writes by acknowledgement time with the latest start among each prefix: a read can
  // only be stale if some write acknowledged before it began started after its source finished,
  // which the prefix maximum answers in O(log n), so only stale reads pay for a scan.
  const latestStart = new Map<string, number[]>();
  const ends = new Map<string, number[]>();
  for (const [key, keyWrites] of writes.byKey) {
    let max = Number.NEGATIVE_INFINITY;
    latestStart.set(key, keyWrites.map((w) => (max = Math.max(max, w.start))));
    ends.set(key, keyWrites.map((w) => w.end));
  }
  const stale: StaleRead[] = [];
  for (const read of pairs) {
    if (read.f !== 'read' || read.type !== 'ok') continue;
    const keyWrites = writes.byKey.get(read.key);
    if (!keyWrites) continue;
    let source: OpPair | undefined;
    if (read.value !== null) {
      source = writes.byValue.get(read.key)?.get(read.value);
      if (!source || source.type !== 'ok') continue;
    }
    const sourceEnd = source?.end ?? Number.NEGATIVE_INFINITY;
    const before = lowerBound(ends.get(read.key)!, read.start);
    if (before === 0 || latestStart.get(read.key)![before - 1]! <= sourceEnd) continue;
    // A write acknowledged by the time the source ended also began by then: only later ones can be missed.
    const missed = keyWrites.slice(upperBound(ends.get(read.key)!, sourceEnd), before).filter((w) => w !== source && w.start > sourceEnd);
    const entry: StaleRead = {
      key: read.key,
      read,
      missed,
      versionsBehind: missed.length,
      msSinceAck: (read.start - missed[0]!.end) / 1e6,
    };
    if (source) entry.source = source;
    stale.push(entry);
  }
  return stale;
}
