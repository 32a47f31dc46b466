import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Store, compareTags, newest, supersedes, type VersionedValue } from '../../node/store.js';
import { compareIds } from '../../node/ids.js';

const rec = (version: number, writer: string, value = `v${version}-${writer}`): VersionedValue => ({ value, version, writer });

describe('ids', () => {
  it('compare numeric-aware: node-10 ranks above node-9, node-2 above node-1', () => {
    expect(compareIds('node-10', 'node-9')).toBeGreaterThan(0);
    expect(compareIds('node-2', 'node-1')).toBeGreaterThan(0);
    expect(compareIds('node-1', 'node-1')).toBe(0);
    expect(compareIds('a', 'b')).toBeLessThan(0);
    expect(compareIds('node-01', 'node-1')).not.toBe(0); // different strings never tie
  });

  it('is a total order (antisymmetric, transitive)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        expect(Math.sign(compareIds(a, b)) + Math.sign(compareIds(b, a))).toBe(0);
        if (compareIds(a, b) <= 0 && compareIds(b, c) <= 0) expect(compareIds(a, c)).toBeLessThanOrEqual(0);
        if (a !== b) expect(compareIds(a, b)).not.toBe(0);
      }),
    );
  });
});

describe('store', () => {
  it('keeps a newer version and ignores an older one (version gating)', () => {
    const s = new Store();
    expect(s.apply('k', rec(2, 'node-1')).applied).toBe(true);
    const older = s.apply('k', rec(1, 'node-3'));
    expect(older.applied).toBe(false);
    expect(older.current).toEqual(rec(2, 'node-1'));
    expect(s.apply('k', rec(3, 'node-1')).applied).toBe(true);
    expect(s.get('k')?.version).toBe(3);
  });

  it('breaks a version tie by writer id, numeric-aware', () => {
    const s = new Store();
    s.apply('k', rec(5, 'node-9'));
    expect(s.apply('k', rec(5, 'node-10')).applied).toBe(true);
    expect(s.apply('k', rec(5, 'node-2')).applied).toBe(false);
    expect(s.get('k')?.writer).toBe('node-10');
  });

  it('breaks a tie of version and writer by value, so replicas still converge', () => {
    expect(compareTags(rec(5, 'node-1', 'b'), rec(5, 'node-1', 'a'))).toBeGreaterThan(0);
    expect(supersedes(rec(5, 'node-1', 'b'), rec(5, 'node-1', 'a'))).toBe(true);
    expect(supersedes(rec(5, 'node-1', 'a'), rec(5, 'node-1', 'a'))).toBe(false); // the same record again is not news
  });

  it('re-applying the record it holds is acknowledged without change (idempotent)', () => {
    const s = new Store();
    s.apply('k', rec(1, 'node-1'));
    const again = s.apply('k', rec(1, 'node-1'));
    expect(again.applied).toBe(false);
    expect(again.current).toEqual(rec(1, 'node-1'));
  });

  it('replicas that receive the same writes in any order end up holding the same record', () => {
    const arbRec = fc.record({ version: fc.integer({ min: 1, max: 4 }), writer: fc.constantFrom('node-1', 'node-2', 'node-10'), value: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(fc.array(arbRec, { minLength: 1, maxLength: 12 }), fc.integer(), (records, seed) => {
        const a = new Store();
        const b = new Store();
        for (const r of records) a.apply('k', r);
        const shuffled = [...records].sort((x, y) => ((x.version * 31 + x.writer.length + seed) % 7) - ((y.version * 31 + y.writer.length + seed) % 7));
        for (const r of shuffled.reverse()) b.apply('k', r);
        expect(a.get('k')).toEqual(b.get('k'));
        expect(a.get('k')).toEqual(newest(records));
      }),
    );
  });

  it('newest picks the highest tag and ignores missing replies', () => {
    expect(newest([undefined, rec(1, 'node-3'), null, rec(2, 'node-1'), rec(2, 'node-2')])).toEqual(rec(2, 'node-2'));
    expect(newest([undefined, null])).toBeUndefined();
  });
});
