/**
 * bench:etcd — what the runner of `godist run` drives against etcd, beside GoDist's linearizable
 * mode (N=3 R=2 W=2, strict quorums, synchronous read repair, durable nodes), on the same machine.
 *
 * Three 3-node clusters, each started as `godist run` starts it (behind the harness's proxies): etcd
 * with linearizable reads, etcd with serializable reads, and GoDist 3/2/2/strict/sync/durable. The
 * runner drives each in turn, in alternating rounds, with the register workload (half reads, half
 * writes over 1,000 keys), 16 workers, unthrottled, recording every op as a run does; ops/s and
 * latency quantiles per op are the medians over the rounds. No faults: this is the price of each
 * protocol on a quiet cluster, not its behaviour under faults (docs/lessons.md, "What consensus buys").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { quantiles } from '../harness/checks/stats.js';
import { pairOps } from '../harness/history/pairs.js';
import { createHistoryWriter } from '../harness/history/writer.js';
import { launchCluster } from '../harness/run/launch.js';
import { runWorkload } from '../harness/run/runner.js';
import { resolveSettings, systemOf } from '../harness/run/run-settings.js';
import type { RunSettings } from '../harness/run/settings.js';
import { createRandom } from '../harness/shared/random.js';
import type { Cluster } from '../harness/systems/types.js';
import { register } from '../workloads/register.js';

const { values: opts } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } },
});
const SECONDS = Number(opts.seconds);
const ROUNDS = Number(opts.rounds);
const harness = { nodes: 3, concurrency: Number(opts.concurrency), keys: 1000, rate: 1e9, nemesis: [] };
const targets: { name: string; settings: RunSettings }[] = [
  { name: 'etcd linearizable', settings: resolveSettings({ ...harness, system: { name: 'etcd', reads: 'linearizable' } }) },
  { name: 'etcd serializable', settings: resolveSettings({ ...harness, system: { name: 'etcd', reads: 'serializable' } }) },
  { name: 'godist 3/2/2/strict/sync/durable', settings: resolveSettings({ ...harness, N: 3, R: 2, W: 2, quorum: 'strict', readRepair: 'sync', durable: true }) },
];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-bench-'));

interface Round {
  opsPerS: number;
  read: { p50: number; p99: number };
  write: { p50: number; p99: number };
  failed: number;
}

async function round(settings: RunSettings, cluster: Cluster, n: number): Promise<Round> {
  const client = systemOf(settings).client(settings.system, settings);
  const history = createHistoryWriter(path.join(scratch, `history-${settings.system.name}-${n}.jsonl`));
  const tally = { ok: 0, fail: 0, info: 0 };
  const began = history.now();
  try {
    await runWorkload({ settings, cluster, client, history, workload: register, random: createRandom(n), tally }, () => history.now() - began >= SECONDS * 1e9);
  } finally {
    history.close();
    client.close();
  }
  const pairs = pairOps(history.ops);
  const latency = (f: string) => {
    const q = quantiles(pairs.filter((p) => p.f === f && p.type === 'ok').map((p) => (p.end - p.start) / 1e6));
    return { p50: q?.p50 ?? NaN, p99: q?.p99 ?? NaN };
  };
  return { opsPerS: tally.ok / SECONDS, read: latency('read'), write: latency('write'), failed: tally.fail + tally.info };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const clusters: Cluster[] = [];

try {
  for (const [i, t] of targets.entries()) {
    const cluster = await launchCluster(t.settings, { dir: path.join(scratch, `cluster-${i}`) });
    clusters.push(cluster);
    await cluster.startAll();
  }
  // A first round each warms the JIT, the connection pools and the stores; it is not counted.
  for (const [i, t] of targets.entries()) await round(t.settings, clusters[i]!, -1);
  const rounds: Round[][] = targets.map(() => []);
  for (let n = 0; n < ROUNDS; n++) {
    for (const [i, t] of targets.entries()) rounds[i]!.push(await round(t.settings, clusters[i]!, n));
    console.log(`round ${n + 1}: ${targets.map((t, i) => `${t.name} ${rounds[i]![n]!.opsPerS.toFixed(0)} ops/s`).join(' · ')}`);
  }
  const summary = targets.map((t, i) => {
    const r = rounds[i]!;
    const m = (f: (x: Round) => number) => Math.round(median(r.map(f)) * 100) / 100;
    return {
      system: t.name,
      opsPerS: Math.round(median(r.map((x) => x.opsPerS))),
      readP50Ms: m((x) => x.read.p50),
      readP99Ms: m((x) => x.read.p99),
      writeP50Ms: m((x) => x.write.p50),
      writeP99Ms: m((x) => x.write.p99),
      notOk: m((x) => x.failed),
    };
  });
  console.log(`\n${ROUNDS} rounds of ${SECONDS} s each, ${harness.concurrency} workers, register workload over ${harness.keys} keys, 3 nodes, no faults (medians):`);
  const header = ['system', 'ops/s', 'read p50 ms', 'read p99 ms', 'write p50 ms', 'write p99 ms', 'not ok / round'];
  const rows = summary.map((s) => [s.system, String(s.opsPerS), String(s.readP50Ms), String(s.readP99Ms), String(s.writeP50Ms), String(s.writeP99Ms), String(s.notOk)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(JSON.stringify({ bench: 'etcd', seconds: SECONDS, rounds: ROUNDS, concurrency: harness.concurrency, systems: summary, loadavg: os.loadavg()[0] }));
} finally {
  for (const c of clusters) await c.stop();
  rmSync(scratch, { recursive: true, force: true });
}
