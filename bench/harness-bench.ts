/**
 * bench:harness — what recording costs, and how fast a cluster starts.
 *
 * On one 3-node cluster behind the harness's proxies (as in a real run), the same load is driven
 * in alternating rounds three ways: by a bare loop of client calls (what bench:node's client does),
 * by the runner of `godist run` with recording switched off, and by the runner recording every op
 * (history records with traces, streamed to history.jsonl). All use 16 workers, half reads and half
 * writes over 1,000 keys, unthrottled. Recorded against unrecorded is the recording overhead.
 * Then the time from spawning the nodes to every node seeing every member alive, for 3 and 5 nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HistoryOp } from '../harness/history/op.js';
import { createHistoryWriter, type HistoryWriter } from '../harness/history/writer.js';
import { createRandom } from '../harness/shared/random.js';
import { runWorkload } from '../harness/run/runner.js';
import { launchCluster } from '../harness/run/launch.js';
import { resolveSettings, systemOf } from '../harness/run/run-settings.js';
import type { RunSettings } from '../harness/run/settings.js';
import type { Cluster } from '../harness/systems/types.js';
import { quantiles } from '../harness/checks/stats.js';
import { register } from '../workloads/register.js';

const { values: opts } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '6' } },
});
const SECONDS = Number(opts.seconds);
const ROUNDS = Number(opts.rounds);
const settings: RunSettings = resolveSettings({ nodes: 3, concurrency: 16, keys: 1000, rate: 1e9, nemesis: [] });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'godist-harness-bench-'));

interface System {
  cluster: Cluster;
  /** From picking the ports to every node seeing every member alive. */
  startupMs: number;
  stop(): Promise<void>;
}

/** The cluster behind its proxies, started as `godist run` starts it. */
async function startSystem(nodes: number, label: string): Promise<System> {
  const began = performance.now();
  const cluster = await launchCluster({ ...settings, nodes }, { dir: path.join(scratch, label) });
  await cluster.startAll();
  return { cluster, startupMs: performance.now() - began, stop: () => cluster.stop() };
}

const client = () => systemOf(settings).client(settings.system, settings);

/** Ops per second and latencies of a bare client loop: the cluster's capacity with nothing recorded. */
async function bare(system: System): Promise<Measured> {
  const cpu = process.cpuUsage();
  const c = client();
  const random = createRandom(1);
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let value = 0;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async (_, w) => {
      const node = system.cluster.ids[w % system.cluster.ids.length]!;
      const addr = system.cluster.addresses[node]!;
      while (performance.now() < deadline) {
        const key = `k${random.int(settings.keys)}`;
        const t = performance.now();
        await c.invoke(addr, random.next() < 0.5 ? { f: 'read', key, value: null } : { f: 'write', key, value: ++value });
        latencies.push(performance.now() - t);
      }
    }),
  );
  c.close();
  const q = quantiles(latencies)!;
  return { opsPerS: latencies.length / SECONDS, p50: q.p50, p99: q.p99, harnessCpuUsPerOp: cpuPerOp(cpu, latencies.length) };
}

interface Measured {
  opsPerS: number;
  p50: number;
  p99: number;
  /** CPU the harness process (clients, proxies, recording) spent per op, in µs. */
  harnessCpuUsPerOp: number;
}

function cpuPerOp(since: NodeJS.CpuUsage, ops: number): number {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / ops);
}

/**
 * The same load through the runner of `godist run`. Recorded: every op goes to history.jsonl as in
 * a run. Unrecorded: the same runner with a history that keeps only a count, which separates what
 * recording costs from what driving ops through the runner costs.
 */
async function throughRunner(system: System, round: number, record: boolean): Promise<Measured> {
  const cpu = process.cpuUsage();
  const c = client();
  const writer = createHistoryWriter(path.join(scratch, `history-${round}.jsonl`));
  const invoked = new Map<number | string, number>();
  const latencies: number[] = [];
  const history: HistoryWriter = record
    ? writer
    : {
        now: writer.now,
        epochMs: writer.epochMs,
        ops: [],
        close() {},
        append(op) {
          const stamped = { ...op, index: 0, time: writer.now() } as HistoryOp;
          if (op.type === 'invoke') invoked.set(op.process, stamped.time);
          else latencies.push((stamped.time - invoked.get(op.process)!) / 1e6);
          return stamped;
        },
      };
  const tally = { ok: 0, fail: 0, info: 0 };
  const began = writer.now();
  await runWorkload(
    { settings, cluster: system.cluster, client: c, history, workload: register, random: createRandom(round), tally },
    () => writer.now() - began >= SECONDS * 1e9,
  );
  writer.close();
  c.close();
  const cpuUs = cpuPerOp(cpu, tally.ok + tally.fail + tally.info);
  if (record) {
    for (const op of writer.ops) {
      if (op.type === 'invoke') invoked.set(op.process, op.time);
      else latencies.push((op.time - invoked.get(op.process)!) / 1e6);
    }
  }
  const q = quantiles(latencies)!;
  return { opsPerS: latencies.length / SECONDS, p50: q.p50, p99: q.p99, harnessCpuUsPerOp: cpuUs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const system = await startSystem(3, 'load');
  // A first round warms the JIT, the connection pools and the nodes' stores; it is not counted.
  await bare(system);
  const modes = ['bare', 'unrecorded', 'recorded'] as const;
  const runs: Record<(typeof modes)[number], Measured[]> = { bare: [], unrecorded: [], recorded: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) {
      runs[mode].push(mode === 'bare' ? await bare(system) : await throughRunner(system, round, mode === 'recorded'));
    }
    console.log(
      `round ${round + 1}: ` +
        modes.map((m) => { const r = runs[m][round]!; return `${m} ${r.opsPerS.toFixed(0)} ops/s (p50 ${r.p50} ms, p99 ${r.p99} ms, harness ${r.harnessCpuUsPerOp} µs CPU/op)`; }).join(' · '),
    );
  }
  await system.stop();
  const med = (mode: (typeof modes)[number], f: (m: Measured) => number) => median(runs[mode].map(f));
  const ops = (mode: (typeof modes)[number]) => med(mode, (m) => m.opsPerS);
  const range = (mode: (typeof modes)[number]) => `${Math.round(Math.min(...runs[mode].map((m) => m.opsPerS)))}–${Math.round(Math.max(...runs[mode].map((m) => m.opsPerS)))}`;
  const recordingOverhead = 1 - ops('recorded') / ops('unrecorded');
  const drivingOverhead = 1 - ops('unrecorded') / ops('bare');
  console.log(`over ${ROUNDS} rounds of ${SECONDS} s: bare ${range('bare')}, unrecorded ${range('unrecorded')}, recorded ${range('recorded')} ops/s`);
  console.log(`recording overhead (medians, recorded vs unrecorded runner): ${(recordingOverhead * 100).toFixed(1)} % (target ≤ 5 %)`);
  console.log(`the runner itself against a bare client loop: ${(drivingOverhead * 100).toFixed(1)} %`);

  const startup: Record<string, number[]> = { '3': [], '5': [] };
  for (const n of [3, 5]) {
    for (let i = 0; i < 3; i++) {
      const s = await startSystem(n, `startup-${n}-${i}`);
      startup[String(n)]!.push(s.startupMs);
      await s.stop();
    }
    console.log(`cluster start-up, ${n} nodes (spawn → every member alive everywhere): ${startup[String(n)]!.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
  }
  console.log(
    JSON.stringify({
      bench: 'harness',
      seconds: SECONDS,
      bareOpsPerS: Math.round(ops('bare')),
      unrecordedOpsPerS: Math.round(ops('unrecorded')),
      recordedOpsPerS: Math.round(ops('recorded')),
      recordingOverheadPct: Math.round(recordingOverhead * 1000) / 10,
      runnerOverheadPct: Math.round(drivingOverhead * 1000) / 10,
      recordedP50Ms: med('recorded', (m) => m.p50),
      recordedP99Ms: med('recorded', (m) => m.p99),
      harnessCpuUsPerOp: Object.fromEntries(modes.map((m) => [m, med(m, (x) => x.harnessCpuUsPerOp)])),
      startup3Ms: Math.round(median(startup['3']!)),
      startup5Ms: Math.round(median(startup['5']!)),
      loadavg: os.loadavg()[0],
    }),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
