/**
 * The checker's memory budget, in bytes: a key whose search would need more is undecided (never a
 * crash, never a pass), with the budget in its message; keys searched side by side share it.
 * Verdicts come from how the histories were made (synthetic-history.ts), not from the checker.
 */
import { describe, expect, it } from 'vitest';
import { check, LinearizationSearch, models, toOperations } from '../../harness/checker/index.js';
import { mergeHistories, renameKeys, syntheticHistory } from './synthetic-history.js';

const MiB = 1024 ** 2;
// One key, 3000 ops, ~9 in flight, a stale read planted at 90 %: about 15 MiB of search.
const hard = syntheticHistory({ ops: 3000, clients: 10, seed: 5, anomaly: 'stale-read' });
// A linearizable key of the same shape (about 3 MiB), and three small ones.
const fine = syntheticHistory({ ops: 3000, clients: 10, seed: 5 });
const small = [1, 2, 3].map((seed) => renameKeys(syntheticHistory({ ops: 200, clients: 3, seed }).history, () => `s${seed}`));

describe('the memory budget', () => {
  it('was made as it says: the hard key has its stale read', () => {
    expect(hard.planted).toBe(true);
    expect(check(hard.history, { memoryBudgetBytes: 256 * MiB }).valid).toBe(false);
    expect(check(fine.history, { memoryBudgetBytes: 256 * MiB }).valid).toBe(true);
  });

  it('a key whose search needs more than the budget is undecided, with the budget in bytes in its message', () => {
    const r = check(hard.history, { memoryBudgetBytes: MiB });
    expect(r.valid).toBe('unknown');
    const p = r.partitions[0]!;
    expect(p.unknownReason).toBe('memory-budget');
    expect(p.unknownMessage).toMatch(/^undecided: the search reached the memory budget of 1048576 bytes \(1 MiB\) after \d+ steps and \d+ configurations$/);
    expect(p.peakBytes).toBeLessThanOrEqual(MiB);
    expect(p.configurations).toBeGreaterThan(1000);
  });

  it('with --per-key each key has the whole budget: only the key that needs more is undecided', () => {
    const h = mergeHistories(hard.history, ...small);
    const r = check(h, { memoryBudgetBytes: 2 * MiB, perKey: true });
    const verdicts = Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]));
    expect(verdicts).toEqual({ k0: 'unknown', s1: true, s2: true, s3: true });
    expect(r.partitions[0]!.unknownReason).toBe('memory-budget');
    expect(r.valid).toBe('unknown');
  });

  it('keys searched side by side share the budget: the key holding the most is given up, the others decided', () => {
    const h = mergeHistories(renameKeys(fine.history, () => 'big'), ...small);
    const alone = check(h, { memoryBudgetBytes: 256 * MiB, perKey: true }).partitions;
    expect(alone.map((p) => [p.key, p.valid])).toEqual([['big', true], ['s1', true], ['s2', true], ['s3', true]]);
    // Less than the big key needs alone, and more than all the others need together.
    const budget = Math.floor(alone[0]!.peakBytes * 0.9);
    expect(alone.slice(1).reduce((sum, p) => sum + p.peakBytes, 0)).toBeLessThan(budget / 4);
    const r = check(h, { memoryBudgetBytes: budget });
    expect(r.partitions.map((p) => [p.key, p.valid, p.unknownReason])).toEqual([
      ['big', 'unknown', 'memory-budget'],
      ['s1', true, undefined],
      ['s2', true, undefined],
      ['s3', true, undefined],
    ]);
    expect(r.valid).toBe('unknown');
  });

  it('a heap nearly full of what the budget does not count (the states) ends the key as undecided, not as a crash', () => {
    let looks = 0;
    const heap = () => ({ usedBytes: ++looks > 3 ? 900 * MiB : 100 * MiB, limitBytes: 1024 * MiB });
    const r = check(hard.history, { heap });
    const p = r.partitions[0]!;
    expect(r.valid).toBe('unknown');
    expect(p.unknownReason).toBe('memory-budget');
    expect(p.unknownMessage).toMatch(/^undecided: the JavaScript heap came within a fifth of its limit of 1073741824 bytes \(1 GiB\) with the states the model keeps/);
  });

  it('a search paused at its budget goes on when given more, and ends as an unbounded one does', () => {
    const model = models.register;
    const ops = toOperations(hard.history);
    const make = (maxBytes: number) =>
      new LinearizationSearch(model, ops.map(model.prepare!), ops.map((op) => op.call), ops.map((op) => op.return), {
        maxBytes,
        readOnly: ops.map(model.readOnly!),
      });
    const free = make(Infinity);
    while (free.run(1 << 15) === 'running');
    const paused = make(MiB);
    let pauses = 0;
    for (;;) {
      const status = paused.run(1 << 15);
      if (status === 'running') continue;
      if (status !== 'memory-budget') break;
      pauses++;
      paused.maxBytes = paused.maxBytes + MiB;
    }
    expect(pauses).toBeGreaterThan(3);
    expect(paused.status).toBe('illegal');
    expect(free.status).toBe('illegal');
    expect(paused.configurations).toBe(free.configurations);
    expect(paused.longest()).toEqual(free.longest());
  });
});
