import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain, packageRoot } from '../../harness/shared/paths.js';
import type { CheckResult, RunResults } from '../../harness/checks/result.js';
import type { CompareRow, PredictedRow } from '../../harness/report/compare-page.js';

/**
 * docs/lessons.md, run: each lesson's commands are read from the guide itself and run as written
 * (with --results-dir pointing at a temporary folder), and what the guide says they show is checked
 * on what they wrote. A guide whose command stops showing its lesson fails here, not in a reader's
 * hands. The commands are short (a few seconds of workload each): all lessons take about two
 * minutes on two cores.
 */
const guide = readFileSync(path.join(packageRoot, 'docs', 'lessons.md'), 'utf8');
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-lessons-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The `npx godist …` lines of each numbered lesson (`## 1. …`), in order. */
export function lessonCommands(markdown: string): Map<number, string[]> {
  const lessons = new Map<number, string[]>();
  let current: number | undefined;
  let inCode = false;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\d+)\. /.exec(line);
    if (heading) {
      current = Number(heading[1]);
      lessons.set(current, []);
      continue;
    }
    if (line.startsWith('## ')) current = undefined;
    if (line.startsWith('```')) {
      inCode = !inCode;
      continue;
    }
    if (inCode && current !== undefined && line.trim().startsWith('npx godist ')) lessons.get(current)!.push(line.trim());
  }
  return lessons;
}

interface Ran {
  code: number;
  stdout: string;
  /** The run folder (run) or the compare folder (compare). */
  dir: string;
}

function godist(command: string): Promise<Ran> {
  const args = command.replace(/^npx godist /, '').split(/\s+/);
  expect(args.some((a) => a.startsWith('--results-dir')), 'a lesson command should not pick its own results folder').toBe(false);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliMain, ...args, '--results-dir', root], { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const dir = /^results: (.+)$/m.exec(stdout)?.[1] ?? /^comparison: (.+)\/compare\.html$/m.exec(stdout)?.[1];
      if (!dir) return reject(new Error(`${command} printed no results folder (exit ${code}):\n${stdout}\n${stderr}`));
      resolve({ code, stdout, dir });
    });
  });
}

const results = (dir: string): RunResults => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResults;

interface CompareJson {
  rows: (Pick<CompareRow, 'text' | 'folder' | 'staleReads' | 'readsChecked' | 'staleRate' | 'valid' | 'linearizable' | 'kMeasured' | 'prediction' | 'departure' | 'minorityAvailability' | 'splitBrainS'>)[];
  predicted: PredictedRow[];
}
const compareOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'compare.json'), 'utf8')) as CompareJson;
const rowResults = (dir: string, folder: string) => results(path.join(dir, folder));

const explanations = (c: CheckResult | undefined) => (c?.anomalies ?? []).map((a) => a.explanation);
const commands = lessonCommands(guide);

describe('docs/lessons.md, run as written', { timeout: 300_000 }, () => {
  it('has the six lessons, each with its command', () => {
    expect([...commands.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [n, cmds] of commands) expect(cmds.length, `lesson ${n}`).toBeGreaterThan(0);
  });

  it('1. ownership is a routing decision: under sloppy quorums a node marked dead moves keys, and reads miss writes; strict quorums do not', async () => {
    const [command] = commands.get(1)!;
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const [sloppy, strict] = compareOf(dir).rows;
    const s = rowResults(dir, sloppy!.folder);
    expect(s.checks['stale-reads']!.count).toBeGreaterThan(0);
    expect(explanations(s.checks['stale-reads']).some((e) => /the replica set of k\d+ moved from \{[^}]+\} \(at the write\) to \{[^}]+\} \(at the read\): \{[^}]+\} had been marked dead and left it \(sloppy quorum\)/.test(e))).toBe(true);
    expect((s.checks['failure-detector']!['detectionLatencyMs'] as { dead: unknown }).dead).not.toBeNull();
    expect(strict!.staleReads).toBe(0);
    expect(strict!.valid).toBe(true);
  });

  it('1. ownership is a routing decision, moved on purpose: a join or a leave moves about 1/n of the owners (mod n would move most), and the keys it moves hold no copy on their newcomers', async () => {
    const [, command] = commands.get(1)!;
    expect(command).toContain('--nemesis membership');
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const r = results(dir);
    const changes = r.checks['ownership']!['changes'] as { f: string; measured: { owner: number }; ideal: { owner: number }; modN: { owner: number }; ownerMovesOfNode: number; ringsAfter: number }[];
    expect(changes.map((c) => c.f)).toEqual(['join', 'join', 'leave', 'leave', 'join']);
    for (const c of changes) {
      expect(c.measured.owner / c.ideal.owner).toBeGreaterThan(0.6);
      expect(c.measured.owner / c.ideal.owner).toBeLessThan(1.4);
      expect(c.modN.owner).toBeGreaterThan(0.7);
      expect(c.ownerMovesOfNode).toBe(1);
      expect(c.ringsAfter).toBe(1);
    }
    const anomalies = [...(r.checks['stale-reads']?.anomalies ?? []), ...(r.checks['lost-writes']?.anomalies ?? [])];
    expect(r.checks['lost-writes']!.count).toBeGreaterThan(0);
    expect(anomalies.filter((a) => a['cause'] !== 'membership')).toEqual([]);
    expect(anomalies.map((a) => a.explanation).join('\n')).toMatch(/it gained node-\d, which joined the cluster at [\d.]+ s with no copy of u\d+/);
  });

  it('2. failure detection is not truth: delays make nodes suspect live peers, and tighter timeouts suspect more (and detect sooner)', async () => {
    const [tightCommand, defaultCommand] = commands.get(2)!;
    expect(tightCommand).toContain('--suspect-after-ms');
    expect(defaultCommand).not.toContain('--suspect-after-ms');
    const tight = results((await godist(tightCommand!)).dir).checks['failure-detector']!;
    const loose = results((await godist(defaultCommand!)).dir).checks['failure-detector']!;
    expect(tight.count).toBeGreaterThan(0);
    expect(tight.anomalies.some((a) => a['cause'] === 'delayed-links')).toBe(true);
    expect(tight.count).toBeGreaterThan(loose.count);
    const p50 = (c: CheckResult) => (c['detectionLatencyMs'] as { suspect: { p50: number } | null }).suspect?.p50 ?? Infinity;
    expect(p50(tight)).toBeLessThan(p50(loose));
    expect(p50(loose)).toBeGreaterThan(700);
  });

  it('3. leader election without consensus splits under partition: the election check finds two leaders', async () => {
    const [command] = commands.get(3)!;
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const election = results(dir).checks['election']!;
    const split = election.anomalies.filter((a) => a.type === 'split-brain');
    expect(split.map((a) => a['nodes'])).toContainEqual(['node-2', 'node-3']);
    expect(split.every((a) => a['expected'] === true)).toBe(true);
    expect(explanations(election).join('\n')).toMatch(/node-2 and node-3 both led for [\d.]+ s .* while \{node-3\} was cut off from \{node-1, node-2\}/);
  });

  it('4. consistency is a policy choice: R=W=1 reads stale, R=W=2 rarely or never, strict with synchronous repair is linearizable', async () => {
    const [command] = commands.get(4)!;
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const [weak, quorum, abd] = compareOf(dir).rows;
    expect(weak!.staleReads).toBeGreaterThan(0);
    expect(quorum!.staleRate ?? 0).toBeLessThan(weak!.staleRate!);
    expect(abd!.linearizable).toMatchObject({ promised: true, valid: true, count: 0 });
    expect(readFileSync(path.join(dir, 'compare.html'), 'utf8')).toContain('t-visibility');
    // PBS's prediction: 3/1/1 on three nodes from the pooled latencies, fresher than measured, the partitions blamed.
    const { predicted } = compareOf(dir);
    expect(predicted.map((p) => [p.text, p.predicted !== null])).toEqual([['3/1/2', true], ['3/2/1', true]]);
    expect(weak!.prediction!.predicted!.from).toMatch(/pooled/);
    expect(weak!.kMeasured[0]!).toBeLessThan(weak!.prediction!.predicted!.kStaleness[0]!);
    expect(weak!.departure).toMatch(/^Staler than predicted .* had their read begin in a fault window: partition/);
    expect(weak!.departure).toMatch(/Staler than predicted at k = 1: .* reads that missed it, \d+ began in a fault window: partition/);
  });

  it('5. durability is part of consistency: in-memory nodes killed and restarted forget acknowledged writes; durable ones do not', async () => {
    const [command] = commands.get(5)!;
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const [memory, durable] = compareOf(dir).rows;
    const m = rowResults(dir, memory!.folder);
    const anomalies = [...(m.checks['stale-reads']?.anomalies ?? []), ...(m.checks['lost-writes']?.anomalies ?? [])];
    const amnesia = anomalies.filter((a) => a['cause'] === 'amnesia').map((a) => a.explanation);
    expect(amnesia.length).toBeGreaterThan(0);
    expect(amnesia.filter((e) => !/killed .*restarted empty.*\(in-memory store\)/.test(e))).toEqual([]);
    expect(durable!.linearizable).toMatchObject({ promised: true, valid: true, count: 0 });
    expect(durable!.staleReads).toBe(0);
  });

  it('6. what consensus buys: etcd and strict quorums both give up the minority side and stay linearizable; serializable reads answer there, stale; Bully splits, Raft has one leader per term', async () => {
    const [command] = commands.get(6)!;
    const { code, dir } = await godist(command!);
    expect(code).toBe(0);
    const [linearizable, serializable, quorums] = compareOf(dir).rows;
    for (const r of [linearizable!, quorums!]) {
      expect(r.linearizable).toMatchObject({ promised: true, valid: true, count: 0 });
      expect(r.staleReads).toBe(0);
      expect(r.minorityAvailability!.read ?? 0).toBe(0);
      expect(r.minorityAvailability!.write ?? 0).toBe(0);
    }
    expect(serializable!.staleReads).toBeGreaterThan(0);
    expect(serializable!.minorityAvailability!.read).toBeGreaterThan(0.5);
    expect(linearizable!.splitBrainS).toBe(0);
    expect(serializable!.splitBrainS).toBe(0);
    expect(quorums!.splitBrainS).toBeGreaterThan(0.5);
    const stale = rowResults(dir, serializable!.folder).checks['stale-reads']!.anomalies;
    expect(stale.some((a) => a['node'] === 'node-3' && /a serializable read is answered from the member's own state/.test(a.explanation))).toBe(true);
  });
});
