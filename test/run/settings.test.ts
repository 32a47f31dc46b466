import { describe, expect, it } from 'vitest';
import { promisesOf } from '../../harness/systems/godist/promises.js';
import { DEFAULT_SETTINGS, parseFaultList, settingsProblems, type RunSettings } from '../../harness/run/settings.js';

const known = ['register', 'unique-writes'];
const withS = (patch: Partial<RunSettings>): RunSettings => ({ ...DEFAULT_SETTINGS, ...patch });

describe('settings', () => {
  it('the defaults can run', () => {
    expect(settingsProblems(DEFAULT_SETTINGS, known)).toEqual([]);
  });

  it.each([
    [{ R: 4, N: 3 }, 'R=4 exceeds N=3'],
    [{ W: 5, N: 3 }, 'W=5 exceeds N=3'],
    [{ N: 6, nodes: 5 }, 'N=6 exceeds --nodes=5'],
    [{ workload: 'bank' }, 'unknown workload "bank"'],
    [{ nemesis: ['meteor'] as never }, 'unknown fault "meteor"'],
    [{ R: 0 }, '-R=0 must be a whole number ≥ 1'],
    [{ nodes: Number.NaN }, '--nodes (not a number) must be a whole number ≥ 1'],
  ])('rejects %o with one line naming the value', (patch, message) => {
    const problems = settingsProblems(withS(patch), known);
    expect(problems[0]).toContain(message);
  });

  it('reads fault lists, none meaning no faults', () => {
    expect(parseFaultList('kill, partition,kill')).toEqual(['kill', 'partition']);
    expect(parseFaultList('none')).toEqual([]);
  });
});

describe('what the settings promise', () => {
  it('R + W ≤ N promises no fresh reads', () => {
    const p = promisesOf(withS({ N: 3, R: 1, W: 1, quorum: 'strict', readRepair: 'sync' }));
    expect(p['stale-reads'].promised).toBe(false);
    expect(p.linearizable.promised).toBe(false);
    expect(p['stale-reads'].reason).toContain('R + W = 2 ≤ N = 3');
  });

  it('strict + sync + R + W > N promises linearizability under pauses and partitions', () => {
    const p = promisesOf(withS({ quorum: 'strict', readRepair: 'sync', nemesis: ['pause', 'partition'] }));
    expect(p.linearizable.promised).toBe(true);
    expect(p['lost-writes'].promised).toBe(true);
  });

  it('under kills only durable nodes keep the promise', () => {
    const base = { quorum: 'strict', readRepair: 'sync', nemesis: ['kill'] } as const;
    expect(promisesOf(withS({ ...base, nemesis: ['kill'], durable: false })).linearizable.promised).toBe(false);
    expect(promisesOf(withS({ ...base, nemesis: ['kill'], durable: true })).linearizable.promised).toBe(true);
  });

  it("the seed's defaults promise nothing, even with R + W > N", () => {
    const p = promisesOf(DEFAULT_SETTINGS);
    expect(Object.values(p).map((x) => x.promised)).toEqual([false, false, false]);
  });

  it('strict with asynchronous repair promises fresh reads but not linearizability', () => {
    const p = promisesOf(withS({ quorum: 'strict', readRepair: 'async', nemesis: ['partition'] }));
    expect(p['stale-reads'].promised).toBe(true);
    expect(p.linearizable.promised).toBe(false);
    expect(p.linearizable.reason).toContain('new-old inversion');
  });
});
