import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../../harness/checks/result.js';
import { findingsOf } from '../../../harness/regress/findings.js';
import { resolveSettings } from '../../../harness/run/run-settings.js';
import { runTest } from '../../../harness/run/run.js';
import { cliMain, nodeMain, packageRoot } from '../../../harness/shared/paths.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'godist-command-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The reference node as a node of someone else's: started from a template, known only by its HTTP API. */
const template = (flags: string) =>
  `node ${nodeMain} --id {id} --addr {addr} [--seed {seed}] -N {N} -R {R} -W {W} [--peer {peer-id}={peer-addr}] ${flags} --exit-with-parent`;

async function both(flat: Record<string, unknown>, nodeFlags: string, seed: number): Promise<{ godist: RunResults; command: RunResults }> {
  const godist = await runTest(resolveSettings({ ...flat, seed }), { resultsRoot: root });
  const command = await runTest(
    resolveSettings({ ...flat, seed, system: 'command', nodeCommand: template(nodeFlags), expect: ['linearizable', 'stale-reads', 'lost-writes'] }),
    { resultsRoot: root },
  );
  return { godist: godist.results, command: command.results };
}

// The regress cases' settings, shortened: the weak quorum must show stale reads on both systems,
// the strict, synchronous, durable one must keep every promise on both.
const common = { nodes: 3, timeLimit: 5, nemesisInterval: 2, concurrency: 6, rate: 150, checkTimeLimit: 30 };

describe('a node started by --system command is judged as --system godist judges it', { timeout: 180_000 }, () => {
  it('weak-quorum-stale-reads: stale reads under partitions on both', async () => {
    const seen = { godist: 0, command: 0 };
    for (const seed of [1, 2]) {
      const r = await both({ ...common, N: 3, R: 1, W: 1, nemesis: ['partition'] }, '', seed);
      if (findingsOf(r.godist).found.includes('stale-reads')) seen.godist++;
      if (findingsOf(r.command).found.includes('stale-reads')) seen.command++;
      // Held to fresh reads by --expect, the command run breaks the promise godist's settings never made.
      if (r.command.checks['stale-reads']!.count > 0) expect(r.command.valid).toBe(false);
    }
    expect(seen.godist).toBeGreaterThan(0);
    expect(seen.command).toBeGreaterThan(0);
  });

  it('strict-sync-durable-linearizable: nothing found, every promise kept, on both', async () => {
    const flat = { ...common, quorum: 'strict', readRepair: 'sync', durable: true, nemesis: ['kill', 'pause', 'partition'], timeLimit: 6 };
    const r = await both(flat, '--quorum strict --read-repair sync --data-dir {data-dir}', 3);
    for (const results of [r.godist, r.command]) {
      expect(findingsOf(results)).toEqual({ found: [], undecided: false });
      expect(results.checks['linearizable']!.promised).toBe(true);
      expect(results.valid).toBe(true);
    }
    expect(r.command.checks['linearizable']!.promisedBy).toBe('expect');
  });

  it("the guide's command runs as written (docs/your-own-node.md)", async () => {
    const guide = readFileSync(path.join(packageRoot, 'docs', 'your-own-node.md'), 'utf8');
    const block = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('dist/node/main.js'));
    expect(block, 'the guide shows the reference node as a template').toBeDefined();
    const line = block!.replace(/\\\n\s*/g, '').trim();
    const args = [...line.replace(/^npx godist /, '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const run = await execa(process.execPath, [cliMain, ...args, '--results-dir', root], { cwd: packageRoot, reject: false });
    expect(run.stderr).not.toMatch(/^godist: (?!interrupted)/m);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^stale-reads\s/m);
  });
});
