/**
 * What sampling the cluster's view costs a run: the same run (same seed, same schedule, no faults)
 * with and without the sampler, alternated so that load on the machine falls on both alike, and the
 * ops/s and latency of each. Prints a table and one JSON line.
 *
 *   npm run bench:sampling -- [--pairs 3] [--seconds 10] [--rate 4000] [--concurrency 16] [--interval 150]
 *
 * A high rate saturates the cluster, so ops/s shows capacity lost, and latency the queueing added.
 * On a shared machine the pairs vary more than sampling costs, so first it measures the cost of one
 * sample directly: CPU time in a node and in the harness per GET /cluster/status (a new connection
 * each time, as the sampler does), which times the sampling rate gives the share of CPU it takes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePorts } from '../harness/process/ports.js';
import { nodeMain } from '../harness/shared/paths.js';
import { runTest } from '../harness/run/run.js';
import { resolveSettings } from '../harness/run/run-settings.js';
import type { RunSettings } from '../harness/run/settings.js';

const { values: opts } = parseArgs({
  options: {
    pairs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    interval: { type: 'string', default: '150' },
  },
  strict: true,
});

const settings: RunSettings = resolveSettings({
  nodes: 3,
  nemesis: [],
  timeLimit: Number(opts.seconds),
  rate: Number(opts.rate),
  concurrency: Number(opts.concurrency),
  keys: 100,
  seed: 7,
  checkTimeLimit: 5,
});

interface Row {
  sampling: boolean;
  opsPerS: number;
  p50: number;
  p99: number;
  samples: number;
}

interface Total {
  ok: number;
  latencyMs: { p50: number; p99: number } | null;
}

/** CPU (µs) one /cluster/status costs a node and the harness, over `n` requests one after another. */
async function costOfOneSample(n: number): Promise<{ nodeUs: number; harnessUs: number; bytes: number }> {
  const [port, other] = await freePorts(2, '127.0.0.1');
  const child = spawn(process.execPath, [nodeMain, '--id', 'node-1', '--addr', `127.0.0.1:${port}`, '-N', '1', '-R', '1', '-W', '1', '--peer', `node-2=127.0.0.1:${other}`], { stdio: 'ignore' });
  const agent = new http.Agent({ keepAlive: false });
  const get = () =>
    new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/cluster/status', agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      req.on('error', reject);
    });
  // utime + stime of the node, in ms (clock ticks of 10 ms).
  const cpuMs = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    for (let i = 0; i < 100; i++) {
      if (await get().then(() => true, () => false)) break;
      await sleep(50);
    }
    const idle0 = cpuMs();
    await sleep(2000);
    const idlePerMs = (cpuMs() - idle0) / 2000;
    const c0 = cpuMs();
    const h0 = process.cpuUsage();
    const t0 = Date.now();
    let body = '';
    for (let i = 0; i < n; i++) JSON.parse((body = await get()));
    const wall = Date.now() - t0;
    const h = process.cpuUsage(h0);
    return { nodeUs: Math.round(((cpuMs() - c0 - idlePerMs * wall) / n) * 1000), harnessUs: Math.round((h.user + h.system) / n), bytes: body.length };
  } finally {
    child.kill('SIGKILL');
  }
}

const one = await costOfOneSample(3000);
const perSecond = (1000 / Number(opts.interval)) * settings.nodes;
process.stdout.write(
  `one sample: ${one.nodeUs} µs of node CPU, ${one.harnessUs} µs of harness CPU (${one.bytes} bytes); ` +
    `at ${perSecond.toFixed(1)} samples/s (${settings.nodes} nodes every ${opts.interval} ms): ${((perSecond * (one.nodeUs + one.harnessUs)) / 1e4).toFixed(2)}% of one core\n\n`,
);

const root = mkdtempSync(path.join(tmpdir(), 'godist-sampling-bench-'));
const rows: Row[] = [];
try {
  for (let i = 0; i < Number(opts.pairs); i++) {
    // ABBA order: the second of each pair runs on a machine the first has warmed.
    for (const sampling of i % 2 === 0 ? [false, true] : [true, false]) {
      const { results } = await runTest(settings, { resultsRoot: root, clusterSampling: sampling ? { intervalMs: Number(opts.interval) } : false });
      const total = (results.checks['stats'] as unknown as { total: Total }).total;
      const samples = (results.checks['election']?.['samples'] as number | undefined) ?? 0;
      const row = { sampling, opsPerS: Math.round(total.ok / settings.timeLimit), p50: total.latencyMs?.p50 ?? NaN, p99: total.latencyMs?.p99 ?? NaN, samples };
      rows.push(row);
      process.stdout.write(`${sampling ? 'sampling' : 'no sampling'}: ${row.opsPerS} ops/s, p50 ${row.p50} ms, p99 ${row.p99} ms${sampling ? `, ${samples} samples` : ''} (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const of = (s: boolean) => rows.filter((r) => r.sampling === s);
const summary = (s: boolean) => ({ opsPerS: Math.round(mean(of(s).map((r) => r.opsPerS))), p50: +mean(of(s).map((r) => r.p50)).toFixed(2), p99: +mean(of(s).map((r) => r.p99)).toFixed(2) });
const off = summary(false);
const on = summary(true);
const samplesPerS = mean(of(true).map((r) => r.samples)) / settings.timeLimit;
process.stdout.write(
  `\nmean of ${opts.pairs} runs each, ${settings.timeLimit} s, rate ${settings.rate}, ${settings.concurrency} workers, 3 nodes:\n` +
    `  without sampling: ${off.opsPerS} ops/s, p50 ${off.p50} ms, p99 ${off.p99} ms\n` +
    `  with sampling:    ${on.opsPerS} ops/s, p50 ${on.p50} ms, p99 ${on.p99} ms (${samplesPerS.toFixed(1)} status requests/s)\n` +
    `  change: ${(((on.opsPerS - off.opsPerS) / off.opsPerS) * 100).toFixed(1)}% ops/s, ${(((on.p50 - off.p50) / off.p50) * 100).toFixed(1)}% p50\n`,
);
process.stdout.write(JSON.stringify({ bench: 'sampling', oneSample: one, off, on, samplesPerS: +samplesPerS.toFixed(1), load: loadavg()[0], rows }) + '\n');
