import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRing } from '../../node/ring.js';
import { moved, probeKeys, type OwnershipChange } from '../../harness/checks/ownership.js';
import { recheckRunFolder } from '../../harness/run/recheck.js';
import { runTest } from '../../harness/run/run.js';
import { cliMain } from '../../harness/shared/paths.js';
import { settingsOf } from './settings-of.js';
import { survivorsOf } from './processes.js';

/**
 * One short real run under the membership nemesis: three nodes grow to at most five and shrink back,
 * nodes joining through a running member and members leaving for good. What must show: the
 * movement measured on the members' own rings is what ring.ts computes for the same members, and
 * within a stated tolerance of consistent hashing's ideal; every change ends in one ring; no node
 * process is left behind (those that joined included); the history is checkable.
 *
 * Tolerance: at 64 virtual nodes a member owns 0.79–1.17× its fair share (docs/node.md), so the
 * owners one change moves lie within 0.6–1.4× the ideal 1/n.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-membership-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function godistCheck(dir: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliMain, 'check', dir], { timeout: 60_000 }, (error) => resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0));
  });
}

describe('a run under the membership nemesis', { timeout: 120_000 }, () => {
  it('measures each join and leave on the members rings, converges to one ring, leaves no process behind and a checkable history', async () => {
    const settings = settingsOf({ nodes: 3, nemesis: ['membership'], timeLimit: 7, nemesisInterval: 2, concurrency: 6, rate: 150, seed: 1 });
    expect(settings.maxNodes).toBe(5);
    const { dir, results, history } = await runTest(settings, { resultsRoot: root });
    expect(survivorsOf(dir)).toEqual([]);

    const records = history.filter((op) => op.process === 'nemesis');
    expect(records.map((op) => op.f).every((f) => f === 'join' || f === 'leave')).toBe(true);
    expect(records[0]!.f).toBe('join');
    expect(records.length).toBeGreaterThanOrEqual(3);
    let members = ['node-1', 'node-2', 'node-3'];
    for (const op of records) {
      const { node, members: after } = op.value as { node: string; members: string[] };
      members = op.f === 'join' ? [...members, node] : members.filter((m) => m !== node);
      expect([...after].sort()).toEqual([...members].sort());
      expect(after.length).toBeGreaterThanOrEqual(3);
      expect(after.length).toBeLessThanOrEqual(5);
    }
    // Every node that ever ran is on record (for the leftover check above), joiners included.
    const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { nodes: Record<string, string>; status: string };
    expect(Object.keys(run.nodes).length).toBe(3 + records.filter((op) => op.f === 'join').length);
    expect(run.status).toBe('done');
    // The nodes hold the run's cluster secret: the harness's dial and leave calls, and the nodes' own
    // announcements and heartbeats, carried it (no node refused one), and every leaver told every member.
    const logs = readdirSync(path.join(dir, 'nodes')).filter((f) => f.endsWith('.log')).map((f) => readFileSync(path.join(dir, 'nodes', f), 'utf8'));
    expect(logs.length).toBe(Object.keys(run.nodes).length);
    for (const log of logs) {
      expect(log).toContain('"internalAuth":"cluster-secret"');
      expect(log).not.toContain('internal-request-refused');
    }
    const leaves = logs.flatMap((log) => log.split('\n').filter((l) => l.includes('"event":"left"')).map((l) => JSON.parse(l) as { missed: string[] }));
    expect(leaves.length).toBe(records.filter((op) => op.f === 'leave').length);
    for (const l of leaves) expect(l.missed).toEqual([]);

    const changes = results.checks['ownership']!['changes'] as OwnershipChange[];
    expect(changes.map((c) => `${c.f} ${c.node}`)).toEqual(records.map((op) => `${op.f} ${(op.value as { node: string }).node}`));
    const keys = probeKeys(changes[0]!.keys);
    for (const c of changes) {
      // One ring, agreed on, and it is the ring the ring rules build over these members.
      expect(c.ringsAfter).toBe(1);
      expect(c.agreedMs).not.toBeNull();
      expect(c.agreedMs!).toBeLessThan(2000);
      const expected = moved(
        keys.map((k) => buildRing(c.membersBefore, 64).walk(k, 3)),
        keys.map((k) => buildRing(c.membersAfter, 64).walk(k, 3)),
      );
      expect(c.measured.owner).toBeCloseTo(expected.owner, 3);
      expect(c.measured.replicas).toBeCloseTo(expected.replicas, 3);
      expect(c.measured.owner / c.ideal.owner).toBeGreaterThan(0.6);
      expect(c.measured.owner / c.ideal.owner).toBeLessThan(1.4);
      expect(c.ownerMovesOfNode).toBe(1);
      expect(c.modN.owner).toBeGreaterThan(c.measured.owner + 0.3);
    }

    expect(results.checks['stale-reads']!.promised).toBe(false);
    expect([0, 1]).toContain(await godistCheck(dir));
    const report = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(report).toContain('<section id="membership">');

    // Checked again from the folder (godist report --check), the ownership figures are the same.
    const again = await recheckRunFolder(dir);
    expect(again.results.checks['ownership']!['changes']).toEqual(changes);
  });
});
