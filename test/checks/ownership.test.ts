import { describe, expect, it } from 'vitest';
import { buildRing } from '../../node/ring.js';
import { idealMoved, modNPlacement, moved, ownershipChanges, ownershipSummary, probeKeys, type OwnershipObservation, type RingSnapshot } from '../../harness/checks/ownership.js';

/**
 * The movement measure on rings with known answers: consistent hashing with many virtual nodes
 * moves close to 1/(n+1) of the owners when one of n equal members joins, and only to the
 * newcomer; a hash-mod-n placement moves most of them.
 */
const members = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`);
const placement = (ids: string[], keys: string[], vnodes: number, replicas = 3) => {
  const ring = buildRing(ids, vnodes);
  return keys.map((k) => ring.walk(k, replicas));
};

describe('the movement measure', () => {
  it('counts keys whose owner changed, and keys whose replica set changed as a set (order inside it aside)', () => {
    const before = [['a', 'b', 'c'], ['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b']];
    const after = [['a', 'c', 'b'], ['d', 'a', 'b'], ['b', 'c', 'd'], ['c', 'a', 'b']];
    // key 0: same owner, same set reordered; key 1: owner moved, set gained d; key 2: set changed; key 3: nothing.
    expect(moved(before, after)).toEqual({ owner: 0.25, replicas: 0.5 });
    expect(moved([], [])).toEqual({ owner: 0, replicas: 0 });
  });

  it('the ideal: a member more or less moves 1/n of the owners and a place in N/n of the replica sets, n the larger count', () => {
    expect(idealMoved(4, 5, 3)).toEqual({ owner: 0.2, replicas: 0.6 });
    expect(idealMoved(5, 4, 3)).toEqual({ owner: 0.2, replicas: 0.6 });
    // No more members than replicas: every replica set changes.
    expect(idealMoved(2, 3, 3)).toEqual({ owner: 1 / 3, replicas: 1 });
  });

  it.each([3, 4, 5, 7])('one member joining %i equal members moves close to 1/(n+1) of the owners over many virtual nodes, all to itself', (n) => {
    const keys = probeKeys(20_000);
    const before = placement(members(n), keys, 1024);
    const after = placement(members(n + 1), keys, 1024);
    const m = moved(before, after);
    expect(Math.abs(m.owner - 1 / (n + 1))).toBeLessThan(0.02);
    expect(Math.abs(m.replicas - Math.min(1, 3 / (n + 1)))).toBeLessThan(0.03);
    const newOwners = before.flatMap((b, i) => (b[0] !== after[i]![0] ? [after[i]![0]] : []));
    expect(new Set(newOwners)).toEqual(new Set([`node-${n + 1}`]));
  });

  it('a member leaving moves only the keys it owned, about 1/n of them', () => {
    const keys = probeKeys(20_000);
    const ids = members(5);
    const before = placement(ids, keys, 1024);
    const after = placement(ids.filter((id) => id !== 'node-2'), keys, 1024);
    expect(Math.abs(moved(before, after).owner - 1 / 5)).toBeLessThan(0.02);
    before.forEach((b, i) => {
      if (b[0] !== after[i]![0]) expect(b[0]).toBe('node-2');
    });
  });

  it.each([3, 4, 5, 7])('hash mod n moves most owners when one member joins %i: about n/(n+1)', (n) => {
    const keys = probeKeys(20_000);
    const m = moved(modNPlacement(keys, members(n), 3), modNPlacement(keys, members(n + 1), 3));
    expect(Math.abs(m.owner - n / (n + 1))).toBeLessThan(0.03);
    expect(m.owner).toBeGreaterThan(0.7);
  });

  it('a mod-n placement: owner at hash mod n of the sorted members, replicas on the next ones, never more than the members', () => {
    const p = modNPlacement(['k'], ['node-3', 'node-1', 'node-2'], 5);
    expect(p[0]).toHaveLength(3);
    expect(new Set(p[0])).toEqual(new Set(['node-1', 'node-2', 'node-3']));
    expect(modNPlacement(['a', 'b'], [], 3)).toEqual([[], []]);
  });
});

describe('the figures of each change', () => {
  const snapshot = (ids: string[], keys: string[], time: number, vnodes = 64): RingSnapshot => ({
    time,
    members: ids,
    placements: placement(ids, keys, vnodes),
    asked: ids.length,
    answered: ids.length,
    rings: 1,
  });

  it('a join: measured on the members rings, beside consistent hashing at best and hash mod n', () => {
    const keys = probeKeys(1000);
    const obs: OwnershipObservation = {
      change: { f: 'join', node: 'node-4', time: 2.5e9 },
      keys: 1000,
      before: snapshot(members(3), keys, 2.4e9),
      after: snapshot(members(4), keys, 2.6e9),
      agreedNs: 33_400_000,
      pollMs: 25,
    };
    const [c] = ownershipChanges([obs]);
    expect(c).toMatchObject({ f: 'join', node: 'node-4', atS: 2.5, keys: 1000, ideal: { owner: 0.25, replicas: 0.75 }, ownerMovesOfNode: 1, agreedMs: 33.4, ringsAfter: 1 });
    expect(c!.measured).toEqual(moved(obs.before.placements, obs.after!.placements));
    expect(c!.modN.owner).toBeGreaterThan(0.6);
    expect(ownershipSummary([c!])).toMatch(/^1 membership change: owners of \d+\.\d % of the keys moved per change \(consistent hashing at best 25\.0 %, hash mod n \d+\.\d %\); .* agreed on the new ring within 33\.4 ms$/);
  });

  it('a change the members never agreed on says so', () => {
    const keys = probeKeys(100);
    const before = snapshot(members(3), keys, 0);
    const [c] = ownershipChanges([{ change: { f: 'leave', node: 'node-3', time: 1e9 }, keys: 100, before, after: null, agreedNs: null, pollMs: 25 }]);
    expect(c).toMatchObject({ agreedMs: null, ringsAfter: 0, measured: { owner: 0, replicas: 0 } });
    expect(ownershipSummary([c!])).toContain('the members never agreed on a new ring');
  });
});
