import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findStaleReads } from '../../harness/checks/stale-reads.js';
import { pairOps } from '../../harness/history/pairs.js';
import { binomial, kStaleness, pbsKStaleness, tVisibility } from '../../harness/checks/staleness.js';
import { historyOf } from '../history/history-builder.js';

describe('t-visibility', () => {
  it('counts each (acknowledged write, later read) pair in the bucket of the gap, consistent when the read saw the write or a newer one', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', null, 5, 8); // began before any acknowledgement: no pair
      h.op(1, 'read', 'k', 1, 15, 16); // w1, t = 5: saw it
      h.op(1, 'read', 'k', null, 25, 26); // w1, t = 15: saw nothing
      h.op(0, 'write', 'k', 2, 30, 40);
      h.op(1, 'read', 'k', 1, 45, 46); // w1, t = 35: saw it; w2, t = 5: saw w1, which ended before w2 began
      h.op(2, 'read', 'other', null, 45, 46); // another key: no pair
    });
    const t = tVisibility(pairOps(h), [0, 10, 20, 50]);
    expect(t.buckets).toEqual([
      { fromMs: 0, toMs: 10, pairs: 2, consistent: 1, p: 0.5 },
      { fromMs: 10, toMs: 20, pairs: 1, consistent: 0, p: 0 },
      { fromMs: 20, toMs: 50, pairs: 1, consistent: 1, p: 1 },
    ]);
    expect([t.pairs, t.consistent]).toEqual([4, 2]);
  });

  it('a read of a write concurrent with w, or of a write of unknown outcome, counts as seeing w', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 3, 60, 80);
      h.op(1, 'write', 'k', 4, 70, 90);
      h.op(2, 'read', 'k', 3, 95, 96); // w4 (t = 5): w3 overlapped w4, so not older; w3 (t = 15): itself
      h.op(3, 'write', 'k', 5, 100, 150, 'info');
      h.op(2, 'read', 'k', 5, 200, 201); // w4, t = 110: 5 may have landed after 4
    });
    const t = tVisibility(pairOps(h), [0, 10, 20, 200]);
    expect(t.buckets.map((b) => [b.pairs, b.consistent])).toEqual([[1, 1], [1, 1], [2, 2]]);
  });

  it('reads past the horizon, final reads and reads of values nobody wrote are left out', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', 1, 500, 501); // t = 490: beyond the last edge
      h.op(1, 'read', 'k', null, 20, 21, 'ok', { final: true });
      h.op(1, 'read', 'k', 99, 30, 31);
    });
    const t = tVisibility(pairOps(h), [0, 100]);
    expect(t.pairs).toBe(0);
    expect(t.buckets[0]!.p).toBeNull();
  });
});

describe('t-visibility against its definition, pair by pair (property)', () => {
  it('counts what visiting every (acknowledged write, later read) pair counts', () => {
    const arb = fc.array(
      fc.record({ f: fc.constantFrom('read' as const, 'write' as const), start: fc.integer({ min: 0, max: 300 }), len: fc.integer({ min: 1, max: 60 }), pick: fc.nat(), type: fc.constantFrom('ok' as const, 'ok' as const, 'info' as const, 'fail' as const), key: fc.constantFrom('a', 'a', 'b') }),
      { maxLength: 40 },
    );
    const edges = [0, 2, 5, 10, 20, 50, 100];
    fc.assert(
      fc.property(arb, (ops) => {
        const h = historyOf((h) => {
          ops.forEach((o, i) => {
            const value = o.f === 'write' ? i + 1 : o.pick % (i + 2) === 0 ? null : o.pick % 7 === 0 ? 999 : (o.pick % (i + 1)) + 1;
            h.op(i, o.f, o.key, value, o.start, o.start + o.len, o.f === 'read' ? 'ok' : o.type);
          });
        });
        const pairs = pairOps(h);
        const total = new Array<number>(edges.length - 1).fill(0);
        const consistent = new Array<number>(edges.length - 1).fill(0);
        for (const r of pairs) {
          if (r.f !== 'read' || r.type !== 'ok') continue;
          const writes = pairs.filter((w) => w.f === 'write' && w.key === r.key);
          if (writes.length === 0) continue;
          const source = writes.find((w) => w.value === r.value);
          if (r.value !== null && !source) continue; // a value nobody wrote
          const sourceEnd = r.value === null ? -Infinity : source!.type === 'ok' ? source!.end : Infinity;
          for (const w of writes) {
            if (w.type !== 'ok') continue;
            const t = (r.start - w.end) / 1e6;
            const b = edges.findIndex((e, j) => j < edges.length - 1 && t >= e && t < edges[j + 1]!);
            if (b < 0) continue;
            total[b]!++;
            if (sourceEnd >= w.start) consistent[b]!++;
          }
        }
        const t = tVisibility(pairs, edges);
        expect(t.buckets.map((b) => [b.pairs, b.consistent])).toEqual(total.map((n, b) => [n, consistent[b]]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('k-staleness', () => {
  it('counts how many acknowledged versions each read missed', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 10);
      h.op(1, 'read', 'k', null, 5, 6); // nothing acknowledged yet: not measured
      h.op(0, 'write', 'k', 2, 20, 30);
      h.op(0, 'write', 'k', 3, 40, 50);
      h.op(1, 'read', 'k', 3, 60, 61); // fresh
      h.op(2, 'read', 'k', 2, 60, 61); // 1 behind
      h.op(3, 'read', 'k', 1, 60, 61); // 2 behind
      h.op(4, 'read', 'k', null, 60, 61); // 3 behind
      h.op(5, 'read', 'k', 1, 70, 71, 'ok', { final: true }); // final: not measured
    });
    const k = kStaleness(pairOps(h));
    expect(k.reads).toBe(4);
    expect(k.behind).toEqual([1, 1, 1, 1, 0, 0]);
    expect(k.share).toEqual([0.25, 0.5, 0.75, 1, 1]);
  });

  it('writes concurrent with the one read are not versions missed', () => {
    const h = historyOf((h) => {
      h.op(0, 'write', 'k', 1, 0, 30);
      h.op(1, 'write', 'k', 2, 10, 20);
      h.op(2, 'read', 'k', 1, 40, 41);
    });
    expect(kStaleness(pairOps(h)).share[0]).toBe(1);
  });

  it('agrees with the stale-read check: a read is fresh exactly when the check does not list it', () => {
    const arb = fc.array(
      fc.record({ f: fc.constantFrom('read' as const, 'write' as const), start: fc.integer({ min: 0, max: 200 }), len: fc.integer({ min: 1, max: 40 }), pick: fc.nat(), type: fc.constantFrom('ok' as const, 'ok' as const, 'info' as const, 'fail' as const) }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (ops) => {
        const h = historyOf((h) => {
          ops.forEach((o, i) => {
            const value = o.f === 'write' ? i + 1 : o.pick % (i + 2) === 0 ? null : (o.pick % (i + 1)) + 1;
            h.op(i, o.f, 'k', value, o.start, o.start + o.len, o.f === 'read' ? 'ok' : o.type);
          });
        });
        const pairs = pairOps(h);
        const stale = findStaleReads(pairs);
        const k = kStaleness(pairs, 50);
        const byBehind = new Array<number>(51).fill(0);
        for (const s of stale) byBehind[Math.min(50, s.versionsBehind)]!++;
        expect(k.behind.slice(1)).toEqual(byBehind.slice(1));
      }),
    );
  });
});

describe('PBS closed form', () => {
  it('matches the paper for N = 3, R = W = 1', () => {
    expect(pbsKStaleness(3, 1, 1, 1)).toBeCloseTo(1 / 3, 10);
    expect(pbsKStaleness(3, 1, 1, 3)).toBeCloseTo(0.7037, 4);
  });

  it('is 1 for every k when R + W > N', () => {
    for (const [R, W] of [[2, 2], [1, 3], [3, 1]] as const) expect(pbsKStaleness(3, R, W, 1)).toBe(1);
  });

  it('grows with R and W below the overlap', () => {
    expect(pbsKStaleness(3, 1, 2, 1)).toBeCloseTo(2 / 3, 10);
    expect(pbsKStaleness(5, 2, 2, 1)).toBeCloseTo(1 - 3 / 10, 10);
    expect(binomial(5, 2)).toBe(10);
    expect(binomial(2, 3)).toBe(0);
  });
});
