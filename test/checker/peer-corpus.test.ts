/**
 * Every history of Porcupine's test corpus (test/fixtures/porcupine, a byte-for-byte copy) gets
 * exactly its known verdict, and the per-key verdicts the corpus README lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOperations, models, type CheckResult } from '../../harness/checker/index.js';
import { corpusDir, LINEARIZABLE_ETCD, loadCorpus, type CorpusFile } from '../fixtures/porcupine-corpus.js';

const dir = corpusDir();
const corpus = loadCorpus(dir);
const byName = new Map(corpus.map((f) => [f.name, f]));

function checkFile(f: CorpusFile, extra: { perKey?: boolean; timeLimitMs?: number; now?: () => number } = {}): CheckResult {
  return checkOperations(f.history.ops, { model: f.model, timeUnit: f.history.timeUnit, now: () => performance.now(), ...extra });
}

describe('the Porcupine corpus', () => {
  it('is all there: 103 etcd logs and 6 kv histories', () => {
    expect(corpus.filter((f) => f.name.startsWith('jepsen/'))).toHaveLength(103);
    expect(corpus.filter((f) => f.name.startsWith('kv/'))).toHaveLength(6);
  });

  it("agrees with the corpus README's table of expected verdicts", () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (jepsen\/etcd_(\d{3})\.log) \|.*\| (NOT linearizable|linearizable|not asserted)[^|]*\|$/gm)];
    expect(rows).toHaveLength(103);
    for (const [, , num, verdict] of rows) {
      const n = Number(num);
      if (verdict === 'not asserted') expect(n).toBe(95);
      else expect(LINEARIZABLE_ETCD.has(n)).toBe(verdict === 'linearizable');
    }
  });

  for (const f of corpus) {
    it(`${f.name} is ${f.expected ? 'linearizable' : 'not linearizable'}`, () => {
      const result = checkFile(f);
      expect(result.valid).toBe(f.expected);
      if (!f.expected) {
        const bad = result.partitions.filter((p) => p.valid === false);
        expect(bad.length).toBeGreaterThan(0);
        for (const p of bad) {
          expect(p.failure!.explanation.length).toBeGreaterThan(20);
          expect(p.failure!.couldNotPlace.length).toBeGreaterThan(0);
          // The longest order found replays on the model.
          const model = models[f.model];
          const ops = new Map(f.history.ops.map((op) => [op.id, op]));
          let state: unknown = model.init();
          for (const id of p.failure!.longest) {
            state = model.step(state as never, model.prepare!(ops.get(id)!) as never);
            expect(state).not.toBeUndefined();
          }
        }
      }
    });
  }

  it('per key, kv/c01-bad: keys 0–6 ok, key 7 not', () => {
    const r = checkFile(byName.get('kv/c01-bad.txt')!, { perKey: true });
    const verdicts = Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]));
    expect(verdicts).toEqual({ 0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: false });
  });

  it('per key, kv/c10-bad: keys 4 and 8 ok, the others not', () => {
    const r = checkFile(byName.get('kv/c10-bad.txt')!, { perKey: true });
    const verdicts = Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]));
    expect(verdicts).toEqual({ 0: false, 1: false, 2: false, 3: false, 4: true, 5: false, 6: false, 7: false, 8: true, 9: false });
  });

  it('per key, kv/c50-ok: every key ok', () => {
    const r = checkFile(byName.get('kv/c50-ok.txt')!, { perKey: true });
    expect(r.partitions.map((p) => p.valid)).toEqual(Array(10).fill(true));
  });

  it('per key, kv/c50-bad: keys 1, 2, 3, 4, 6, 8 not linearizable; the others are never called valid', () => {
    // A budget of search steps, not of wall time, so a busy machine decides the same keys: the clock
    // is read once per slice of steps, so 80 "ms" are about 80 slices (2.6 million steps) per key;
    // key 8, the slowest decided, needs about 1.1 million.
    let clock = 0;
    const r = checkFile(byName.get('kv/c50-bad.txt')!, { perKey: true, timeLimitMs: 80, now: () => clock++ });
    const verdicts = Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]));
    for (const k of ['1', '2', '3', '4', '6', '8']) expect(verdicts[k]).toBe(false);
    // Keys 0, 5, 7, 9: out of reach of Porcupine within 15 s; here they run out of their budget.
    for (const k of ['0', '5', '7', '9']) expect(verdicts[k]).not.toBe(true);
    for (const p of r.partitions.filter((p) => p.valid === 'unknown')) expect(p.unknownReason).toBe('time-limit');
    expect(r.valid).toBe(false);
  });

  it('kv/c50-bad by default stops at the first bad key and leaves the rest unchecked', () => {
    const r = checkFile(byName.get('kv/c50-bad.txt')!);
    expect(r.valid).toBe(false);
    const bad = r.partitions.filter((p) => p.valid === false);
    expect(bad).toHaveLength(1);
    expect(['1', '2', '3', '4', '6', '8']).toContain(bad[0]!.key);
    for (const p of r.partitions) if (p.valid === 'unknown') expect(p.unknownReason).toBe('not-checked');
  });

  it('a time limit too short to decide gives unknown, never valid', () => {
    let clock = 0;
    const f = byName.get('jepsen/etcd_002.log')!;
    const r = checkOperations(f.history.ops, { model: f.model, timeUnit: 'line', timeLimitMs: 10, now: () => (clock += 20) });
    expect(r.valid).toBe('unknown');
    expect(r.partitions[0]!.unknownReason).toBe('time-limit');
  });
});
