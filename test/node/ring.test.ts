import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRing, hash32 } from '../../node/ring.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`);
const keys = (n: number) => Array.from({ length: n }, (_, i) => `key-${i}`);

describe('ring', () => {
  it('hash32 is stable across runs (first 4 bytes of MD5)', () => {
    // Expected values from another MD5 (Python's hashlib), not from hash32 itself.
    expect(hash32('alpha')).toBe(0x2c1743a3);
    expect(hash32('node-1#0')).toBe(0xdfcd0c9a);
  });

  it('walk returns the next n distinct members, owner first', () => {
    const ring = buildRing(ids(5), 64);
    for (const key of keys(500)) {
      const w = ring.walk(key, 3);
      expect(w).toHaveLength(3);
      expect(new Set(w).size).toBe(3);
      expect(w[0]).toBe(ring.owner(key));
    }
  });

  it('walk returns every member when asked for more than there are', () => {
    const ring = buildRing(ids(2), 16);
    expect(ring.walk('k', 5).sort()).toEqual(['node-1', 'node-2']);
    expect(buildRing([], 16).walk('k', 3)).toEqual([]);
    expect(buildRing([], 16).owner('k')).toBeUndefined();
  });

  it('every node that knows the same members builds the same ring, whatever the order it learned them in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}-\d{1,3}$/), { minLength: 1, maxLength: 8 }), fc.array(fc.string(), { minLength: 1, maxLength: 20 }), (members, ks) => {
        const a = buildRing(members, 16);
        const b = buildRing([...members].reverse(), 16);
        for (const k of ks) expect(a.walk(k, 3)).toEqual(b.walk(k, 3));
      }),
    );
  });

  it('walk(key, n) is a prefix of walk(key, n + 1): adding replicas never reshuffles the first ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.string(), (n, key) => {
        const ring = buildRing(ids(8), 8);
        expect(ring.walk(key, n + 1).slice(0, n)).toEqual(ring.walk(key, n));
      }),
    );
  });

  // Stated tolerance: with 64 vnodes per member, every member of a 5-member ring owns between 0.65x and
  // 1.35x its fair share of 100,000 keys; with 256 vnodes, between 0.8x and 1.2x.
  it.each([
    [64, 0.35],
    [256, 0.2],
  ])('balances keys across members (vnodes %i: each share within ±%f of fair)', (vnodes, tolerance) => {
    const members = ids(5);
    const ring = buildRing(members, vnodes);
    const count = new Map<string, number>();
    const total = 100_000;
    for (let i = 0; i < total; i++) {
      const o = ring.owner(`key-${i}`)!;
      count.set(o, (count.get(o) ?? 0) + 1);
    }
    const fair = total / members.length;
    for (const m of members) {
      const share = (count.get(m) ?? 0) / fair;
      expect(share, `${m} owns ${count.get(m)} keys, ${share.toFixed(2)}x fair`).toBeGreaterThan(1 - tolerance);
      expect(share).toBeLessThan(1 + tolerance);
    }
  });

  it('a member joining takes about 1/n of the keys, all from others to itself', () => {
    const total = 50_000;
    const before = buildRing(ids(4), 64);
    const after = buildRing(ids(5), 64);
    let moved = 0;
    for (let i = 0; i < total; i++) {
      const k = `key-${i}`;
      const a = before.owner(k);
      const b = after.owner(k);
      if (a !== b) {
        moved++;
        expect(b).toBe('node-5'); // keys only ever move to the newcomer
      }
    }
    const fraction = moved / total;
    // 1/5 = 0.2 in expectation; the measured fraction for these ids is printed for the README.
    expect(fraction).toBeGreaterThan(0.2 * 0.6);
    expect(fraction).toBeLessThan(0.2 * 1.4);
  });

  it('a member leaving moves only the keys it owned (about 1/n)', () => {
    const total = 50_000;
    const before = buildRing(ids(5), 64);
    const after = buildRing(ids(5).filter((m) => m !== 'node-3'), 64);
    let moved = 0;
    for (let i = 0; i < total; i++) {
      const k = `key-${i}`;
      if (before.owner(k) !== after.owner(k)) {
        moved++;
        expect(before.owner(k)).toBe('node-3');
      }
    }
    expect(moved / total).toBeGreaterThan(0.2 * 0.6);
    expect(moved / total).toBeLessThan(0.2 * 1.4);
  });

  it('a join changes the replica set (N = 3) of a bounded share of keys', () => {
    const total = 20_000;
    const before = buildRing(ids(4), 64);
    const after = buildRing(ids(5), 64);
    let changed = 0;
    for (let i = 0; i < total; i++) {
      const k = `key-${i}`;
      if (before.walk(k, 3).join() !== after.walk(k, 3).join()) changed++;
    }
    // The newcomer joins the replica set of about N/n = 3/5 of the keys.
    expect(changed / total).toBeGreaterThan(0.4);
    expect(changed / total).toBeLessThan(0.8);
  });
});
