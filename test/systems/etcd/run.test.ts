import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { faultSpans } from '../../../harness/history/fault-spans.js';
import { findingsOf } from '../../../harness/regress/findings.js';
import { resolveSettings } from '../../../harness/run/run-settings.js';
import { runTest, type RunOutcome } from '../../../harness/run/run.js';
import { cliMain } from '../../../harness/shared/paths.js';
import { processesUnder, waitUntilGone } from './processes.js';

/**
 * `godist run --system etcd` on a real three-member cluster, a few seconds each: serializable reads
 * go stale under a partition that cuts a member off; linearizable reads, writes and compare-and-sets
 * keep every promise under kills, pauses and partitions; `godist check` on a run's folder gives the
 * run's verdict again. Every member of every run is gone after each test, even one that failed.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-run-'));
afterEach(async () => {
  const left = await waitUntilGone(root, 3000);
  for (const line of left) {
    const pid = Number(line.trim().split(/\s+/)[0]);
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  expect(left, 'etcd processes left behind by a run').toEqual([]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = { system: 'etcd', workload: 'cas-register', nodes: 3, nemesisInterval: 2, checkTimeLimit: 30 };

async function run(flat: Record<string, unknown>): Promise<RunOutcome> {
  const outcome = await runTest(resolveSettings({ ...base, ...flat }), { resultsRoot: root });
  expect(processesUnder(outcome.dir)).toEqual([]);
  return outcome;
}

function check(dir: string): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [cliMain, 'check', dir], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout };
}

describe('godist run --system etcd', { timeout: 180_000 }, () => {
  it('serializable reads under a partition that cuts a member off go stale, as the settings allow; godist check says not linearizable again', async () => {
    // Seeds whose first partition cuts a follower off (docs: the regress case's detection power).
    let found: RunOutcome | undefined;
    for (const seed of [2, 5, 6]) {
      const outcome = await run({ reads: 'serializable', nemesis: ['partition'], timeLimit: 5, concurrency: 12, rate: 200, seed });
      if (outcome.results.checks['stale-reads']!.count > 0) {
        found = outcome;
        break;
      }
    }
    expect(found, 'no stale read in three seeds').toBeDefined();
    const { results, history, dir } = found!;
    const stale = results.checks['stale-reads']!;
    expect(stale).toMatchObject({ promised: false, expected: true, valid: true });
    expect(stale.anomalies[0]!.explanation).toMatch(/answered .*: a serializable read is answered from the member's own state, without asking the leader/);
    // The stale read went through a member a partition had cut off from the others.
    const cutOff = faultSpans(history).filter((f) => f.kind === 'partition').flatMap((f) => f.nodes);
    expect(cutOff).toContain(stale.anomalies[0]!['node']);
    expect(results.checks['lost-writes']!.promised).toBe(true);
    expect(results.valid).toBe(true);
    const again = check(dir);
    expect(again.stdout).toMatch(/model cas-register/);
    expect(again.code).toBe(results.checks['linearizable']!.count > 0 ? 1 : 0);
  });

  it('linearizable reads under kills, pauses and partitions: linearizable, no stale reads, no lost writes, one leader per term; godist check agrees', async () => {
    const { results, dir } = await run({ reads: 'linearizable', nemesis: ['kill', 'pause', 'partition'], timeLimit: 6, concurrency: 6, rate: 150, seed: 3 });
    expect(findingsOf(results)).toEqual({ found: [], undecided: false });
    for (const name of ['linearizable', 'stale-reads', 'lost-writes', 'election']) expect(results.checks[name], name).toMatchObject({ promised: true, valid: true });
    expect(results.checks['election']!['splitBrainS']).toBe(0);
    expect(results.checks['failure-detector']).toMatchObject({ applicable: false });
    expect(results.valid).toBe(true);
    const again = check(dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/model cas-register[\s\S]*verdict: linearizable/);
  });
});
