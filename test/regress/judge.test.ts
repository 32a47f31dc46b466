import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTATIONS, loadExpectations, parseExpectations } from '../../harness/regress/expectations.js';
import { judgeCase, regressExitCode, type SeedOutcome } from '../../harness/regress/judge.js';
import { parseSeeds } from '../../harness/cli/regress.js';

const mustFind = parseExpectations({
  cases: [{ name: 'finds', settings: { nodes: 3 }, seeds: [1, 2, 3], mustFind: [{ finding: 'stale-reads', atLeast: 2 }] }],
})[0]!;
const mustNot = parseExpectations({
  cases: [{ name: 'keeps', settings: { nodes: 3 }, seeds: [1, 2], mustNotFind: ['not-linearizable', 'lost-writes'] }],
})[0]!;
const seed = (n: number, found: SeedOutcome['found'], undecided = false): SeedOutcome => ({ seed: n, dir: `/runs/${n}`, found, undecided });

describe('judging a case', () => {
  it('a must-find case passes at its threshold and reports its detection rate', () => {
    const row = judgeCase(mustFind, [seed(1, ['stale-reads']), seed(2, []), seed(3, ['stale-reads'])]);
    expect(row.verdict).toBe('pass');
    expect(row.detection).toEqual([{ finding: 'stale-reads', found: 2, of: 3, atLeast: 2 }]);
  });

  it('found in too few seeds is a regression: the harness lost power', () => {
    const row = judgeCase(mustFind, [seed(1, ['stale-reads']), seed(2, []), seed(3, [])]);
    expect(row.verdict).toBe('regression');
    expect(row.problems).toEqual(['lost power: stale-reads found in 1 of 3 seeds, the case needs at least 2']);
  });

  it('a forbidden finding is a regression that names the run to open', () => {
    const row = judgeCase(mustNot, [seed(1, []), seed(2, ['lost-writes'])]);
    expect(row.verdict).toBe('regression');
    expect(row.problems).toEqual(['lost-writes found with seed 2, where it must not be: see /runs/2/report.html']);
    expect(regressExitCode([row])).toBe(1);
  });

  it('an undecided linearizability check is neither a pass nor a regression', () => {
    const row = judgeCase(mustNot, [seed(1, [], true), seed(2, [])]);
    expect(row.verdict).toBe('undecided');
    expect(regressExitCode([row])).toBe(3);
  });
});

describe('the expectations file', () => {
  it('the committed file reads, and every case says what must or must not be found', () => {
    const cases = loadExpectations(DEFAULT_EXPECTATIONS);
    expect(cases.length).toBeGreaterThanOrEqual(6);
    for (const c of cases) expect(c.recordOnly || c.mustFind.length + c.mustNotFind.length > 0).toBe(true);
    expect(cases.map((c) => c.name)).toContain('strict-sync-durable-linearizable');
  });

  it.each([
    [{ cases: [{ name: 'a', seeds: [1], mustFind: [{ finding: 'ghosts', atLeast: 1 }] }] }, 'unknown finding "ghosts"'],
    [{ cases: [{ name: 'a', seeds: [1], settings: { R: 4 }, mustNotFind: ['lost-writes'] }] }, 'case "a": R=4 exceeds N=3'],
    [{ cases: [{ name: 'a', seeds: [1, 2], mustFind: [{ finding: 'stale-reads', atLeast: 3 }] }] }, 'atLeast must be between 1 and the number of seeds (2)'],
    [{ cases: [{ name: 'a', seeds: [] , mustNotFind: ['lost-writes'] }] }, 'needs "seeds"'],
    [{ cases: [{ name: 'a', seeds: [1] }] }, 'says nothing must or must not be found'],
  ])('rejects a bad case with one line: %o', (raw, message) => {
    expect(() => parseExpectations(raw, 'x.json')).toThrow(message);
  });

  it('reads seed ranges', () => {
    expect(parseSeeds('1-3,7')).toEqual([1, 2, 3, 7]);
    expect(() => parseSeeds('5-2')).toThrow('runs backwards');
  });
});
