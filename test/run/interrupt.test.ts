import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cliMain } from '../../harness/shared/paths.js';
import { survivorsOf } from './processes.js';

/**
 * A run that ends badly: Ctrl-C, or the harness killed outright. Either way no node is left behind
 * and the history recorded so far can be checked.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-interrupt-test-'));
let harness: ChildProcess | undefined;

afterEach(() => {
  if (harness && harness.exitCode === null && harness.signalCode === null) harness.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function startRun(resultsDir: string, nemesis: string): { child: ChildProcess; running: Promise<void>; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cliMain, 'run', '--nodes', '3', '--time-limit', '30', '--nemesis', nemesis, '--nemesis-interval', '2', '--results-dir', resultsDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  harness = child;
  let err = '';
  const running = new Promise<void>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('running')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, running, exited, stderr: () => err };
}

function runFolder(resultsDir: string): string {
  const dirs = readdirSync(resultsDir).filter((d) => d.includes('register'));
  expect(dirs).toHaveLength(1);
  return path.join(resultsDir, dirs[0]!);
}

async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

describe('an interrupted run', { timeout: 60_000 }, () => {
  it('Ctrl-C stops every node and leaves a history that godist check accepts', async () => {
    const results = path.join(root, 'sigint');
    const run = startRun(results, 'pause,partition');
    await run.running;
    await new Promise((r) => setTimeout(r, 3000)); // into the faults: a pause or a partition may be on
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain('interrupted; the history so far is in');
    const dir = runFolder(results);
    expect(survivorsOf(dir)).toEqual([]);
    const lines = readFileSync(path.join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(50);
    let code = 0;
    try {
      execFileSync(process.execPath, [cliMain, 'check', dir], { encoding: 'utf8' });
    } catch (error) {
      code = (error as { status: number }).status;
    }
    expect([0, 1]).toContain(code); // a verdict: not bad input (2), not undecided (3)

    // latest and the index follow the run from its start, so the interrupted run is the one found.
    expect(realpathSync(path.join(results, 'latest'))).toBe(realpathSync(dir));
    expect(readFileSync(path.join(results, 'index.html'), 'utf8')).toContain('interrupted: no verdict yet');
    expect(JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')).status).toBe('interrupted');
    // One command gives it the run's own verdict and its report.
    const report = spawnSync(process.execPath, [cliMain, 'report', path.join(results, 'latest')], { encoding: 'utf8' });
    expect(report.stderr).toBe('');
    expect([0, 1]).toContain(report.status);
    expect(report.stdout).toMatch(/^check\s+promised\s+found\s+verdict$/m);
    expect(report.stdout).toMatch(/^verdict: (every promise held|a promise was broken)/m);
    expect(existsSync(path.join(dir, 'results.json'))).toBe(true);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).not.toContain('No verdict yet');
    expect(readFileSync(path.join(results, 'index.html'), 'utf8')).not.toContain('interrupted: no verdict yet');
  });

  it('a run interrupted after a node joined names the joiner in run.json from its join, and leaves none behind', async () => {
    const results = path.join(root, 'membership');
    const run = startRun(results, 'membership');
    await run.running;
    const dir = runFolder(results);
    const joined = () => readFileSync(path.join(dir, 'history.jsonl'), 'utf8').includes('"f":"join"');
    expect(await eventually(joined, 20_000)).toBe(true);
    // On record as soon as it joined (run.json is written just after the join's record), while the run still goes.
    const during = () => {
      try {
        return JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { nodes?: Record<string, string>; status?: string };
      } catch {
        return {}; // caught while being rewritten
      }
    };
    expect(await eventually(() => 'node-4' in (during().nodes ?? {}), 1000)).toBe(true);
    expect(await eventually(() => during().status === 'running', 1000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const after = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { nodes: Record<string, string>; status: string };
    expect(after.status).toBe('interrupted');
    expect(Object.keys(after.nodes)).toContain('node-4');
    expect(survivorsOf(dir)).toEqual([]);
  });

  it('a harness killed outright (SIGKILL) leaves no node behind: nodes watch their parent', async () => {
    const results = path.join(root, 'sigkill');
    const run = startRun(results, 'partition');
    await run.running;
    const dir = runFolder(results);
    expect(survivorsOf(dir).length).toBe(3);
    run.child.kill('SIGKILL');
    await run.exited;
    // Nodes poll their parent every 500 ms. A paused node cannot poll (a limit the README states), so
    // this run's faults are partitions only.
    expect(await eventually(() => survivorsOf(dir).length === 0, 5000), survivorsOf(dir).join('\n')).toBe(true);
  });
});
