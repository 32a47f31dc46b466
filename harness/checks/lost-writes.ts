import type { OpPair } from '../history/pairs.js';
import { indexWrites, type WriteIndex } from './stale-reads.js';

export interface LostWrite {
  key: string;
  write: OpPair;
  /** The final reads of the key, none of which saw this write or anything after it. */
  finalReads: OpPair[];
}

export interface LostWritesResult {
  lost: LostWrite[];
  /** Acknowledged writes checked (their key had at least one ok final read). */
  checked: number;
  /** Acknowledged writes whose key no final read could read: not judged. */
  unchecked: number;
}

/**
 * Acknowledged writes that no final read can see and that no later write overwrote: every ok final
 * read of the key returned nothing or a value whose write was acknowledged before this write began.
 * A final read that returns an info write's value, or any write not known to precede this one,
 * vouches for it: that write may have been ordered after it.
 */
export function findLostWrites(pairs: readonly OpPair[], writes: WriteIndex = indexWrites(pairs)): LostWritesResult {
  const finals = new Map<string, OpPair[]>();
  for (const p of pairs) {
    if (p.final && p.f === 'read' && p.type === 'ok') {
      if (!finals.has(p.key)) finals.set(p.key, []);
      finals.get(p.key)!.push(p);
    }
  }
  const result: LostWritesResult = { lost: [], checked: 0, unchecked: 0 };
  for (const [key, keyWrites] of writes.byKey) {
    const reads = finals.get(key);
    if (!reads) {
      result.unchecked += keyWrites.length;
      continue;
    }
    for (const write of keyWrites) {
      result.checked++;
      const vouched = reads.some((read) => {
        if (read.value === null) return false;
        const source = writes.byValue.get(key)?.get(read.value);
        // A value nobody wrote says nothing about this write; the linearizability check flags it.
        if (!source) return true;
        return !(source.type === 'ok' && source !== write && source.end < write.start);
      });
      if (!vouched) result.lost.push({ key, write, finalReads: reads });
    }
  }
  return result;
}
