import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClusterSamples } from '../../harness/checks/observations.js';
import { readObservations } from '../../harness/run/folder.js';
import { parseNodeLog } from '../../harness/systems/godist/log-events.js';
import { startClusterSampler, waitForOneLeader } from '../../harness/run/cluster-sampler.js';
import type { ClusterView } from '../../harness/systems/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'godist-sampler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const view = (id: string, leader: string | null): ClusterView => ({ id, leader, members: [{ id, state: 'alive', lastHeardMs: 0 }] });

/** Fake nodes: each answers after `delayMs` (never, for undefined); records requests in flight. */
function fakeCluster(delayMs: Record<string, number | undefined>, leader: Record<string, string | null> = {}) {
  const inFlight = new Map<string, number>();
  let most = 0;
  const asked: string[] = [];
  return {
    asked,
    most: () => most,
    async view(addr: string, timeoutMs: number): Promise<ClusterView | undefined> {
      const id = addr;
      asked.push(id);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      most = Math.max(most, inFlight.get(id)!);
      const d = delayMs[id];
      await sleep(Math.min(d ?? timeoutMs, timeoutMs));
      inFlight.set(id, inFlight.get(id)! - 1);
      return d !== undefined && d < timeoutMs ? view(id, leader[id] ?? 'node-3') : undefined;
    },
  };
}

describe('cluster sampler', () => {
  it('asks every running node each period, one request per node at a time; a paused node yields no sample', async () => {
    const fake = fakeCluster({ 'node-1': 1, 'node-2': 45, 'node-3': 1 });
    const start = process.hrtime.bigint();
    const running = new Set(['node-1', 'node-2']);
    const file = path.join(dir, 'cluster.jsonl');
    const sampler = startClusterSampler({
      ids: ['node-1', 'node-2', 'node-3'],
      running: (id) => running.has(id),
      addr: (id) => id,
      view: fake.view,
      now: () => Number(process.hrtime.bigint() - start),
      file,
      intervalMs: 20,
      timeoutMs: 100,
    });
    await sleep(300);
    const summary = await sampler.stop();
    const lines = parseClusterSamples(readFileSync(file, 'utf8'));
    expect(lines.length).toBe(summary.samples);
    expect(new Set(lines.map((s) => s.node))).toEqual(new Set(['node-1', 'node-2']));
    // node-2 answers in 45 ms, so with a 20 ms period it is asked about every other tick, never twice at once.
    expect(fake.most()).toBe(1);
    const count = (id: string) => lines.filter((s) => s.node === id).length;
    expect(count('node-1')).toBeGreaterThan(count('node-2'));
    expect(lines[0]).toMatchObject({ node: expect.any(String), leader: 'node-3', members: [{ state: 'alive' }] });
    expect(lines.every((s, i) => i === 0 || s.time >= lines[i - 1]!.time)).toBe(true);
    expect(summary).toMatchObject({ intervalMs: 20, timeoutMs: 100, missed: 0 });
    expect(summary.rttMs!.max).toBeGreaterThanOrEqual(40);
  });

  it('a node that does not answer within the timeout is counted as missed, and stop() waits for it', async () => {
    const fake = fakeCluster({ 'node-1': undefined });
    const sampler = startClusterSampler({ ids: ['node-1'], running: () => true, addr: (id) => id, view: fake.view, now: () => 0, intervalMs: 10, timeoutMs: 30 });
    await sleep(70);
    const summary = await sampler.stop();
    expect(summary.samples).toBe(0);
    expect(summary.missed).toBe(summary.asked);
    expect(summary.asked).toBeGreaterThanOrEqual(2);
    expect(summary.rttMs).toBeNull();
  });

  it('waits for every running node to name the same running leader, and gives up after its timeout', async () => {
    const agreed = fakeCluster({ 'node-1': 1, 'node-2': 1 }, { 'node-1': 'node-2', 'node-2': 'node-2' });
    expect(await waitForOneLeader({ ids: ['node-1', 'node-2'], running: () => true, addr: (id) => id, view: agreed.view }, 1000)).toBe('node-2');
    const split = fakeCluster({ 'node-1': 1, 'node-2': 1 }, { 'node-1': 'node-1', 'node-2': 'node-2' });
    expect(await waitForOneLeader({ ids: ['node-1', 'node-2'], running: () => true, addr: (id) => id, view: split.view }, 150)).toBeUndefined();
  });
});

describe('observations on disk', () => {
  it('puts the nodes\' log events on the history\'s time base and skips what is not a view event', () => {
    const epochMs = 1_700_000_000_000.25;
    const log = [
      '{"t":1700000000100,"node":"node-2","event":"member-joined","peer":"node-1","addr":"x","via":"--peer"}',
      '{"t":1700000000105,"node":"node-2","event":"started","members":3}',
      '{"t":1700000001105,"node":"node-2","event":"suspect","peer":"node-1","from":"alive","silenceMs":1002,"reason":"no heartbeat for 1002ms"}',
      '{"t":1700000001200,"node":"node-2","event":"joined","seed":"x"}',
      'Error: a stack trace line',
      '{"t":1700000001300,"node":"node-2","event":"leader-elected","leader":"node-2","self":true}',
    ].join('\n');
    const events = parseNodeLog(log, epochMs);
    expect(events.map((e) => [e.event, e.time])).toEqual([
      ['member-joined', 99_750_000],
      ['started', 104_750_000],
      ['suspect', 1_104_750_000],
      ['leader-elected', 1_299_750_000],
    ]);
    expect(events[2]).toMatchObject({ peer: 'node-1', from: 'alive', silenceMs: 1002 });
  });

  it('reads a run folder: no cluster.jsonl, no observations; logs only with the history epoch', () => {
    expect(readObservations(dir + '/nowhere')).toBeUndefined();
    const run = path.join(dir, 'run');
    mkdirSync(path.join(run, 'nodes'), { recursive: true });
    writeFileSync(path.join(run, 'cluster.jsonl'), `${JSON.stringify({ time: 5e8, node: 'node-1', leader: 'node-1', members: [] })}\n`);
    writeFileSync(path.join(run, 'nodes', 'node-1.log'), '{"t":1700000001000,"node":"node-1","event":"suspect","peer":"node-2"}\n');
    writeFileSync(path.join(run, 'run.json'), JSON.stringify({ clusterSampling: { intervalMs: 100, start: 1e8, end: 9e8 } }));
    expect(readObservations(run, parseNodeLog)).toEqual({ samples: [expect.objectContaining({ node: 'node-1' })], events: [], window: { start: 1e8, end: 9e8 }, intervalMs: 100 });
    writeFileSync(path.join(run, 'run.json'), JSON.stringify({ historyEpochMs: 1_700_000_000_000 }));
    const read = readObservations(run, parseNodeLog)!;
    // A system that cannot read its nodes' logs has samples only.
    expect(readObservations(run)!.events).toEqual([]);
    expect(read.events).toEqual([{ time: 1e9, node: 'node-1', event: 'suspect', peer: 'node-2' }]);
    // Without the sampler's own record, the window is that of the samples.
    expect(read.window).toEqual({ start: 5e8, end: 5e8 });
    expect(read.intervalMs).toBe(150);
  });
});
