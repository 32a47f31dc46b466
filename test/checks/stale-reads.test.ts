import { describe, expect, it } from 'vitest';
import { findStaleReads } from '../../harness/checks/stale-reads.js';
import { pairOps } from '../../harness/history/pairs.js';
import { historyOf } from '../history/history-builder.js';

describe('stale reads', () => {
  it('a read that returns a value overwritten before it began is stale, with its k and t', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'write', 'k', 2, 20, 30);
      h.op(0, 'write', 'k', 3, 40, 50);
      h.op(1, 'read', 'k', 1, 80, 90);
    });
    const [s, ...rest] = findStaleReads(pairOps(h));
    expect(rest).toHaveLength(0);
    expect(s!.versionsBehind).toBe(2);
    expect(s!.msSinceAck).toBe(50); // first missed write (2) acknowledged at 30 ms, read began at 80 ms
    expect(s!.missed.map((w) => w.value)).toEqual([2, 3]);
  });

  it('a read concurrent with the newer write may return the older value', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'write', 'k', 2, 20, 60);
      h.op(1, 'read', 'k', 1, 30, 40);
    });
    expect(findStaleReads(pairOps(h))).toEqual([]);
  });

  it('a read of nothing after an acknowledged write is stale', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', null, 20, 30);
    });
    const stale = findStaleReads(pairOps(h));
    expect(stale).toHaveLength(1);
    expect(stale[0]!.source).toBeUndefined();
  });

  it('values written by ops of unknown outcome are never called stale', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10, 'info');
      h.op(1, 'write', 'k', 2, 20, 30);
      h.op(2, 'read', 'k', 1, 40, 50);
    });
    expect(findStaleReads(pairOps(h))).toEqual([]);
  });

  it('a write that overlapped the returned write does not make the read stale', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 30);
      h.op(1, 'write', 'k', 2, 10, 20);
      h.op(2, 'read', 'k', 1, 40, 50);
    });
    expect(findStaleReads(pairOps(h))).toEqual([]);
  });

  it('other keys do not interfere', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'a', 1, 0, 10);
      h.op(0, 'write', 'b', 2, 20, 30);
      h.op(1, 'read', 'a', 1, 40, 50);
    });
    expect(findStaleReads(pairOps(h))).toEqual([]);
  });

  describe('with compare-and-set (a cas [expected, new] is a write of new)', () => {
    it('a read that misses an acknowledged cas is stale, and a read of a cas\'s value is judged like any read', () => {
      const h = historyOf((h) => {
        h.op(0, 'write', 'k', 1, 0, 10);
        h.op(0, 'cas', 'k', [1, 2], 20, 30);
        h.op(1, 'read', 'k', 1, 40, 50);
        h.op(0, 'write', 'k', 3, 60, 70);
        h.op(1, 'read', 'k', 2, 80, 90);
      });
      const stale = findStaleReads(pairOps(h));
      expect(stale.map((s) => [s.read.value, s.missed.map((w) => w.value)])).toEqual([
        [1, [2]],
        [2, [3]],
      ]);
      expect(stale[1]!.source).toMatchObject({ f: 'cas', value: 2, index: 2 });
    });

    it('a cas whose compare failed wrote nothing, so a read that missed it is not stale', () => {
      const h = historyOf((h) => {
        h.op(0, 'write', 'k', 1, 0, 10);
        h.op(0, 'cas', 'k', [7, 2], 20, 30, 'fail');
        h.op(1, 'read', 'k', 1, 40, 50);
      });
      expect(findStaleReads(pairOps(h))).toEqual([]);
    });
  });
});
