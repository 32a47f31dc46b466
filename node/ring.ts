/**
 * Consistent hash ring with virtual nodes. Pure: no I/O, no clock.
 *
 * Each member id contributes `vnodes` points, hashed from `${id}#${i}`; a key is owned by the first
 * point clockwise from the key's hash. Points depend only on member ids, so every node that knows the
 * same members builds the same ring and routes a key to the same replicas.
 */
import { createHash } from 'node:crypto';

/** First 4 bytes of MD5 as an unsigned 32-bit integer: stable across processes and platforms. */
export function hash32(s: string): number {
  return createHash('md5').update(s).digest().readUInt32BE(0);
}

export interface Ring {
  /** Distinct member ids on the ring, sorted. */
  readonly members: readonly string[];
  readonly vnodes: number;
  /** The primary owner of a key, or undefined on an empty ring. */
  owner(key: string): string | undefined;
  /** The next `n` distinct members clockwise from the key's hash, owner first (fewer if the ring has fewer). */
  walk(key: string, n: number): string[];
}

export function buildRing(memberIds: Iterable<string>, vnodes: number): Ring {
  if (!Number.isInteger(vnodes) || vnodes < 1) throw new RangeError(`vnodes must be a positive integer, got ${vnodes}`);
  const members = [...new Set(memberIds)].sort();
  const count = members.length * vnodes;
  const hashes = new Uint32Array(count);
  const owners: number[] = new Array(count);
  const points: { h: number; m: number }[] = [];
  for (let m = 0; m < members.length; m++) {
    for (let i = 0; i < vnodes; i++) points.push({ h: hash32(`${members[m]}#${i}`), m });
  }
  // Equal hashes (rare) are ordered by member so the ring does not depend on insertion order.
  points.sort((a, b) => a.h - b.h || a.m - b.m);
  points.forEach((p, i) => {
    hashes[i] = p.h;
    owners[i] = p.m;
  });

  /** Index of the first point with hash >= h, wrapping to 0. */
  function firstAtOrAfter(h: number): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === count ? 0 : lo;
  }

  return {
    members,
    vnodes,
    owner(key) {
      if (count === 0) return undefined;
      return members[owners[firstAtOrAfter(hash32(key))]!];
    },
    walk(key, n) {
      const want = Math.min(n, members.length);
      const out: string[] = [];
      if (want <= 0) return out;
      const seen = new Uint8Array(members.length);
      let i = firstAtOrAfter(hash32(key));
      for (let steps = 0; steps < count && out.length < want; steps++) {
        const m = owners[i]!;
        if (!seen[m]) {
          seen[m] = 1;
          out.push(members[m]!);
        }
        i = i + 1 === count ? 0 : i + 1;
      }
      return out;
    },
  };
}
