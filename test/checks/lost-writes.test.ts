import { describe, expect, it } from 'vitest';
import { findLostWrites } from '../../harness/checks/lost-writes.js';
import { pairOps } from '../../harness/history/pairs.js';
import { historyOf } from '../history/history-builder.js';

describe('lost writes', () => {
  it('an acknowledged write that every final read misses is lost', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'u1', 1, 0, 10);
      h.op(1, 'read', 'u1', null, 100, 110, 'ok', { final: true, node: 'node-1' });
      h.op(1, 'read', 'u1', null, 120, 130, 'ok', { final: true, node: 'node-2' });
    });
    const r = findLostWrites(pairOps(h));
    expect(r.lost.map((l) => l.write.value)).toEqual([1]);
    expect(r.checked).toBe(1);
  });

  it('a write overwritten by a later write is not lost', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'write', 'k', 2, 20, 30);
      h.op(1, 'read', 'k', 2, 100, 110, 'ok', { final: true });
    });
    expect(findLostWrites(pairOps(h)).lost).toEqual([]);
  });

  it('a final read returning an older value loses the newer write', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'write', 'k', 2, 20, 30);
      h.op(1, 'read', 'k', 1, 100, 110, 'ok', { final: true });
    });
    expect(findLostWrites(pairOps(h)).lost.map((l) => l.write.value)).toEqual([2]);
  });

  it('one final read that sees the write is enough', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', null, 100, 110, 'ok', { final: true });
      h.op(1, 'read', 'k', 1, 120, 130, 'ok', { final: true });
    });
    expect(findLostWrites(pairOps(h)).lost).toEqual([]);
  });

  it('a final value from a concurrent or unknown-outcome write vouches for the write', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 50);
      h.op(1, 'write', 'k', 2, 10, 20);
      h.op(2, 'write', 'k', 3, 60, 70, 'info');
      h.op(3, 'read', 'k', 1, 100, 110, 'ok', { final: true });
    });
    // 2 overlapped 1, so 1 may be the later of the two; 3 is not acknowledged, so it is not judged.
    expect(findLostWrites(pairOps(h)).lost).toEqual([]);
  });

  it('keys without a successful final read are counted as unchecked, not lost', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', null, 100, 110, 'fail', { final: true });
    });
    const r = findLostWrites(pairOps(h));
    expect(r.lost).toEqual([]);
    expect(r.unchecked).toBe(1);
  });

  it('an acknowledged cas is a write of its new value: lost when every final read returns something older, vouched for when one shows it', () => {
    const lost = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'cas', 'k', [1, 2], 20, 30);
      h.op(1, 'read', 'k', 1, 100, 110, 'ok', { final: true, node: 'node-1' });
    });
    expect(findLostWrites(pairOps(lost)).lost.map((l) => [l.write.f, l.write.value])).toEqual([['cas', 2]]);
    const kept = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(0, 'cas', 'k', [1, 2], 20, 30);
      h.op(1, 'read', 'k', 2, 100, 110, 'ok', { final: true, node: 'node-1' });
    });
    expect(findLostWrites(pairOps(kept))).toMatchObject({ lost: [], checked: 2 });
  });
});
