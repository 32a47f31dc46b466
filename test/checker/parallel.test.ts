/**
 * checkParallel: keys searched in worker threads get the verdicts one thread gives, and the ones
 * the histories were made with. Worker threads run compiled code, so most tests here load the
 * built library (dist/: `npm run build`, which `npm test` runs first); from the TypeScript sources
 * the check runs in the calling thread, and says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as fromSources from '../../harness/checker/index.js';
import type { HistoryOp } from '../../harness/history/op.js';
import { cliMain } from '../../harness/shared/paths.js';
import { mergeHistories, renameKeys, syntheticHistory, toJsonl } from './synthetic-history.js';

type Library = typeof fromSources;

async function built(): Promise<Library> {
  const file = fileURLToPath(new URL('../../dist/harness/checker/index.js', import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does it for you)`);
  return (await import(file)) as Library;
}

/** Keys k1..k6 of ~9 ops in flight; stale reads planted in k2, k4 and k5. */
const planted = new Set(['k2', 'k4', 'k5']);
const keys = [1, 2, 3, 4, 5, 6].map((seed) => {
  const key = `k${seed}`;
  const h = syntheticHistory({ ops: 1500, clients: 10, seed, anomaly: planted.has(key) ? 'stale-read' : 'none', anomalyAt: 0.5 });
  return renameKeys(h.history, () => key);
});
const history: HistoryOp[] = mergeHistories(...keys);
const madeWith = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`k${n}`, !planted.has(`k${n}`)]));
const MiB = 1024 ** 2;

describe('checking keys in worker threads', () => {
  it('from the TypeScript sources, checks in the calling thread and says so (workers: 0)', async () => {
    const r = await fromSources.checkParallel(history, { perKey: true, workers: 2 });
    expect(r.workers).toBe(0);
    expect(Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]))).toEqual(madeWith);
  });

  it('in two threads, every key gets the verdict it was made with, and the one a single thread gives', async () => {
    const lib = await built();
    const r = await lib.checkParallel(history, { perKey: true, workers: 2 });
    expect(r.workers).toBe(2);
    expect(Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]))).toEqual(madeWith);
    const one = lib.check(history, { perKey: true });
    expect(r.partitions.map((p) => [p.key, p.valid, p.steps, p.configurations])).toEqual(one.partitions.map((p) => [p.key, p.valid, p.steps, p.configurations]));
    const failure = r.partitions.find((p) => p.key === 'k2')!.failure!;
    expect(failure).toEqual(one.partitions.find((p) => p.key === 'k2')!.failure);
  });

  it('without --per-key, a key found not linearizable stops every thread: the rest are not checked', async () => {
    const lib = await built();
    // A key that takes ~70 times the steps of k2 goes to one thread, k2 to the other.
    const slow = renameKeys(syntheticHistory({ ops: 16000, clients: 10, seed: 1, anomaly: 'stale-read' }).history, () => 'slow');
    const h = mergeHistories(slow, keys[1]!);
    const alone = lib.check(h, { perKey: true }).partitions.find((p) => p.key === 'slow')!;
    const r = await lib.checkParallel(h, { workers: 2 });
    expect(r.workers).toBe(2);
    expect(r.valid).toBe(false);
    expect(r.partitions.map((p) => [p.key, p.valid, p.unknownReason])).toEqual([
      ['k2', false, undefined],
      ['slow', 'unknown', 'not-checked'],
    ]);
    expect(r.partitions[1]!.steps).toBeLessThan(alone.steps);
  });

  it('splits the memory budget between the threads, and says so when a key reaches its share', async () => {
    const lib = await built();
    const hard = renameKeys(syntheticHistory({ ops: 3000, clients: 10, seed: 5, anomaly: 'stale-read' }).history, () => 'hard');
    const h = mergeHistories(hard, ...keys.slice(0, 1));
    const need = lib.check(h, { perKey: true }).partitions.find((p) => p.key === 'hard')!;
    expect(need.valid).toBe(false);
    const budget = Math.ceil((need.peakBytes * 1.5) / MiB) * MiB; // enough for one thread, not for half
    expect(lib.check(h, { perKey: true, memoryBudgetBytes: budget }).partitions.find((p) => p.key === 'hard')!.valid).toBe(false);
    const r = await lib.checkParallel(h, { perKey: true, workers: 2, memoryBudgetBytes: budget });
    const p = r.partitions.find((p) => p.key === 'hard')!;
    expect(p.valid).toBe('unknown');
    expect(p.unknownMessage).toContain(`memory budget of ${budget / 2} bytes (${lib.formatBytes(budget / 2)}, one thread's share of ${lib.formatBytes(budget)} for 2)`);
  });

  it('checks a model of its own in the calling thread (its functions cannot go to another thread)', async () => {
    const lib = await built();
    const mine = { ...lib.models.register, name: 'mine' };
    const r = await lib.checkParallel(history, { perKey: true, workers: 2, model: mine });
    expect(r.workers).toBe(0);
    expect(Object.fromEntries(r.partitions.map((p) => [p.key, p.valid]))).toEqual(madeWith);
  });

  it('godist check --threads 2 gives every key the verdict --threads 1 gives, and says it searched in two threads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godist-check-threads-'));
    try {
      const file = join(dir, 'history.jsonl');
      writeFileSync(file, toJsonl(history.map(({ trace: _, ...op }) => op)));
      const godist = (threads: string) => spawnSync(process.execPath, [cliMain, 'check', file, '--per-key', '--json', '--threads', threads], { encoding: 'utf8', timeout: 60_000 });
      const [one, two] = [godist('1'), godist('2')];
      expect([one.status, two.status]).toEqual([1, 1]);
      const verdicts = (out: string) => (JSON.parse(out) as { partitions: { key: string; valid: unknown }[] }).partitions.map((p) => [p.key, p.valid]);
      expect(Object.fromEntries(verdicts(two.stdout))).toEqual(madeWith);
      expect(verdicts(two.stdout)).toEqual(verdicts(one.stdout));
      expect((JSON.parse(two.stdout) as { workers: number }).workers).toBe(2);
      expect((JSON.parse(one.stdout) as { workers: number }).workers).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
