import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain } from '../../harness/shared/paths.js';

/**
 * `godist regress` must fail when it should: when the harness loses its power to find an anomaly,
 * and when a node breaks a guarantee. Each runs the real command on short real runs.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-regress-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function regress(...args: string[]) {
  const r = spawnSync(process.execPath, [cliMain, 'regress', '--results-dir', root, ...args], { encoding: 'utf8', timeout: 150_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('godist regress fails when it should', { timeout: 160_000 }, () => {
  it('a must-find case run where its anomaly cannot occur is reported as lost power', () => {
    const file = path.join(root, 'impossible.json');
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { nodes: 3, timeLimit: 5, nemesisInterval: 2, concurrency: 4, rate: 100 },
        cases: [
          {
            name: 'stale-reads-where-none-can-be',
            why: 'strict quorums with R + W > N on durable nodes cannot return stale reads',
            settings: { quorum: 'strict', readRepair: 'sync', durable: true, R: 2, W: 2, nemesis: ['partition'] },
            seeds: [1],
            mustFind: [{ finding: 'stale-reads', atLeast: 1 }],
          },
        ],
      }),
    );
    const r = regress('--file', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/stale-reads-where-none-can-be\s.*REGRESSION/);
    expect(r.out).toContain('stale-reads-where-none-can-be: lost power: stale-reads found in 0 of 1 seeds, the case needs at least 1');
  });
});

describe('godist regress catches a broken node', { timeout: 160_000 }, () => {
  it('durable nodes that skip their log replay (a deliberate bug) fail the durable case, named with its reports', () => {
    const r = regress('--case', 'strict-sync-durable-linearizable', '--seeds', '1,2', '--node-arg=--unsafe-skip-replay');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/strict-sync-durable-linearizable\s.*REGRESSION/);
    expect(r.out).toMatch(/strict-sync-durable-linearizable: (not-linearizable|stale-reads|lost-writes) found with seed \d, where it must not be: see .*report\.html/);
  });
});
