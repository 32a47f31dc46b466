import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../harness/run/run-settings.js';
import { runTest } from '../../harness/run/run.js';
import { systems } from '../../harness/systems/index.js';
import { fakeStore } from './fake-store.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'godist-fake-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  delete systems['fake'];
});

/** One whole run of the fake store through the harness: one client, so every op follows the one before it. */
async function runFake(staleEvery: number) {
  const fake = fakeStore(staleEvery);
  systems['fake'] = fake.system;
  const settings = resolveSettings({ system: 'fake', nodes: 3, nemesis: [], concurrency: 1, rate: 400, timeLimit: 1, keys: 3, seed: 4 });
  const outcome = await runTest(settings, { resultsRoot: root });
  return { fake, ...outcome };
}

describe('a second system through the seam: an in-memory fake, no processes', () => {
  it('told to answer every 5th read stale, the checks find exactly those reads, and no more', async () => {
    const { fake, results } = await runFake(5);
    expect(fake.staleAnswers).toBeGreaterThan(5);
    const stale = results.checks['stale-reads']!;
    expect(stale.count).toBe(fake.staleAnswers);
    expect(stale.anomalies.every((a) => a['versionsBehind'] === 1)).toBe(true);
    // One client, so a stale read is also a read no order can explain: every key it hit is not linearizable.
    const lin = results.checks['linearizable']!;
    expect(Object.entries(lin['keys'] as Record<string, string>).filter(([, v]) => v === 'illegal').map(([k]) => k).sort()).toEqual([...fake.staleKeys].sort());
    expect(results.checks['lost-writes']!.count).toBe(0);
    // Nothing is promised by a system that promises nothing: found, and allowed.
    expect(results.valid).toBe(true);
    expect(stale.promised).toBe(false);
  });

  it('told to behave, the checks find nothing', async () => {
    const { fake, results } = await runFake(0);
    expect(fake.staleAnswers).toBe(0);
    for (const name of ['stale-reads', 'linearizable', 'lost-writes']) expect(results.checks[name]!.count, name).toBe(0);
    expect(results.checks['linearizable']!.decided).toBe(true);
  });

  it('the checks it cannot feed say not applicable, and why', async () => {
    const { results } = await runFake(0);
    for (const name of ['election', 'failure-detector']) {
      const c = results.checks[name]!;
      expect(c.applicable, name).toBe(false);
      expect(c.reason).toBe('fake shows no view of the cluster (leader, members) for the harness to sample');
    }
  });

  it('a fault the system cannot be given is one line before anything starts', () => {
    systems['fake'] = fakeStore(0).system;
    expect(() => resolveSettings({ system: 'fake', nemesis: ['kill'] })).toThrow('--system fake cannot be given the fault "kill"');
  });
});
