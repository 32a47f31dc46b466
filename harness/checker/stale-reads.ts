import type { OpPair } from '../history/pairs.js';

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

/** Ok writes of each key, and for each written value the write that wrote it (values are unique). */
export interface WriteIndex {
  byKey: Map<string, OpPair[]>;
  byValue: Map<string, Map<unknown, OpPair>>;
}

export function indexWrites(pairs: readonly OpPair[]): WriteIndex {
  const byKey = new Map<string, OpPair[]>();
  const byValue = new Map<string, Map<unknown, OpPair>>();
  for (const p of pairs) {
    if (p.f !== 'write') continue;
    if (!byValue.has(p.key)) byValue.set(p.key, new Map());
    byValue.get(p.key)!.set(p.value, p);
    if (p.type !== 'ok') continue;
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key)!.push(p);
  }
  for (const writes of byKey.values()) writes.sort((a, b) => a.end - b.end);
  return { byKey, byValue };
}

/**
 * Stale reads by real time alone: a read r of k is stale when some write w of k was acknowledged
 * before r began and r returned a value whose write was acknowledged before w began (or returned
 * nothing). A value written by an op of unknown outcome (info) may have landed at any time, so
 * reads of it are never called stale; reads of values nobody wrote are left to the
 * linearizability check.
 */
export function findStaleReads(pairs: readonly OpPair[], writes: WriteIndex = indexWrites(pairs)): StaleRead[] {
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
    const missed = keyWrites.filter((w) => w !== source && w.end < read.start && w.start > sourceEnd);
    if (missed.length === 0) continue;
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
