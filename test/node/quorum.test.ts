import { describe, expect, it } from 'vitest';
import { chooseReplicaSet, guaranteeOf, quorumProblems, quorumsOverlap } from '../../node/quorum.js';
import { buildRing } from '../../node/ring.js';

describe('quorum arithmetic', () => {
  it('read and write quorums overlap exactly when R + W > N', () => {
    expect(quorumsOverlap({ N: 3, R: 2, W: 2 })).toBe(true);
    expect(quorumsOverlap({ N: 3, R: 1, W: 3 })).toBe(true);
    expect(quorumsOverlap({ N: 3, R: 1, W: 2 })).toBe(false);
    expect(quorumsOverlap({ N: 5, R: 3, W: 2 })).toBe(false);
  });

  it('brute force agrees: every R-subset meets every W-subset of N replicas iff R + W > N', () => {
    const subsets = (n: number, k: number): number[] => {
      const out: number[] = [];
      for (let m = 0; m < 1 << n; m++) if (m.toString(2).split('1').length - 1 === k) out.push(m);
      return out;
    };
    for (let N = 1; N <= 5; N++)
      for (let R = 1; R <= N; R++)
        for (let W = 1; W <= N; W++) {
          const allMeet = subsets(N, R).every((r) => subsets(N, W).every((w) => (r & w) !== 0));
          expect(allMeet, `N=${N} R=${R} W=${W}`).toBe(quorumsOverlap({ N, R, W }));
        }
  });

  it('names impossible settings with their values', () => {
    expect(quorumProblems({ N: 3, R: 2, W: 2 })).toEqual([]);
    expect(quorumProblems({ N: 3, R: 4, W: 2 })).toEqual(['R=4 exceeds N=3 (a read quorum cannot be larger than the replica set; use R <= 3)']);
    expect(quorumProblems({ N: 3, R: 2, W: 5 })[0]).toMatch(/^W=5 exceeds N=3/);
    expect(quorumProblems({ N: 0, R: 1, W: 1 })[0]).toMatch(/^N=0/);
    expect(quorumProblems({ N: 3, R: 0, W: 1 })[0]).toMatch(/^R=0/);
  });

  it('promises: only strict + sync + R + W > N is linearizable, and under kills only when durable', () => {
    const base = { N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync', durable: true } as const;
    expect(guaranteeOf(base).linearizable).toBe('always');
    expect(guaranteeOf({ ...base, durable: false }).linearizable).toBe('no-kills');
    expect(guaranteeOf({ ...base, readRepair: 'async' }).linearizable).toBe('no');
    expect(guaranteeOf({ ...base, readRepair: 'off' }).linearizable).toBe('no');
    expect(guaranteeOf({ ...base, quorum: 'sloppy' }).linearizable).toBe('no');
    expect(guaranteeOf({ ...base, R: 1 })).toMatchObject({ linearizable: 'no', freshReads: false });
  });
});

describe('replica set choice', () => {
  const all = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
  const allRing = buildRing(all, 64);

  it('strict walks the ring of every known member, dead or not', () => {
    const routable = buildRing(all.filter((m) => m !== 'node-2'), 64);
    for (let i = 0; i < 200; i++) {
      const key = `k${i}`;
      expect(chooseReplicaSet(key, 3, 'strict', { all: allRing, routable })).toEqual(allRing.walk(key, 3));
    }
  });

  it('sloppy skips dead members and takes the next live ones instead', () => {
    const routable = buildRing(all.filter((m) => m !== 'node-2'), 64);
    let replaced = 0;
    for (let i = 0; i < 200; i++) {
      const key = `k${i}`;
      const set = chooseReplicaSet(key, 3, 'sloppy', { all: allRing, routable });
      expect(set).not.toContain('node-2');
      expect(set).toHaveLength(3);
      if (allRing.walk(key, 3).includes('node-2')) replaced++;
      else expect(set).toEqual(allRing.walk(key, 3)); // keys node-2 did not hold keep their replicas
    }
    expect(replaced).toBeGreaterThan(0);
  });

  it('with everyone alive, sloppy and strict agree', () => {
    for (let i = 0; i < 100; i++) expect(chooseReplicaSet(`k${i}`, 3, 'sloppy', { all: allRing, routable: allRing })).toEqual(chooseReplicaSet(`k${i}`, 3, 'strict', { all: allRing, routable: allRing }));
  });
});
