/**
 * npm run bench:node [-- --data-dir] [--seconds 10] [--clients 16] [--keys 1000] [--quorum strict --read-repair sync] [--cluster-secret]
 *
 * Starts a 3-node cluster (N=3, R=2, W=2) of the reference node on free loopback ports, fills 1,000
 * keys, then runs 16 concurrent clients for 10 s, each sending half puts and half gets on random keys
 * to random nodes. Prints ops/s and latency percentiles, and ends with one JSON line of the figures.
 * Also measures node start-up time: process spawn → first 200 from /health. With --cluster-secret the
 * nodes get a fresh secret (GODIST_CLUSTER_SECRET), so every node-to-node request carries and checks
 * it: run with and without, alternately, to see what it costs.
 *
 * Self-contained (standard library only) so it measures the node, not the harness. Every process it
 * starts runs in its own process group and is killed on the way out, whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../harness/process/ports.js';
import { nearestRank } from '../harness/shared/sorted.js';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
    keys: { type: 'string', default: '1000' },
    'data-dir': { type: 'boolean', default: false },
    quorum: { type: 'string', default: 'sloppy' },
    'read-repair': { type: 'string', default: 'async' },
    'cluster-secret': { type: 'boolean', default: false },
  },
  strict: true,
});
const SECONDS = Number(opts.seconds);
const CLIENTS = Number(opts.clients);
const KEYS = Number(opts.keys);
const DURABLE = opts['data-dir'] === true;
const SECRET = opts['cluster-secret'] === true ? randomBytes(16).toString('hex') : undefined;

// `npm run bench:node` compiles this file with the rest of the project into dist/, so the node it
// measures is built from the current sources.
const here = path.dirname(fileURLToPath(import.meta.url));
const mainJs = [path.join(here, '..', 'node', 'main.js'), path.join(process.cwd(), 'dist', 'node', 'main.js')].find((p) => existsSync(p));
if (!mainJs) {
  console.error('bench:node: cannot find the compiled node (dist/node/main.js); run npm run build first');
  process.exit(2);
}

const children: ChildProcess[] = [];
let dataRoot: string | undefined;

function cleanup(): void {
  for (const c of children) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS, maxFreeSockets: CLIENTS });

function request(port: number, method: 'GET' | 'POST', urlPath: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startNode(id: string, port: number, seedPort: number | undefined): Promise<number> {
  const args = [mainJs!, '--id', id, '--addr', `127.0.0.1:${port}`, '-N', '3', '-R', '2', '-W', '2', '--quorum', opts.quorum!, '--read-repair', opts['read-repair']!];
  if (seedPort !== undefined) args.push('--seed', `127.0.0.1:${seedPort}`);
  if (DURABLE) args.push('--data-dir', path.join(dataRoot!, id));
  const t0 = performance.now();
  const env = { ...process.env, GODIST_CLUSTER_SECRET: SECRET };
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', 'inherit'], env });
  children.push(child);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${id} exited with code ${child.exitCode} before serving`);
    try {
      const r = await request(port, 'GET', '/health');
      if (r.status === 200) return performance.now() - t0;
    } catch {
      /* not listening yet */
    }
    await sleep(2);
  }
}

async function waitConverged(ports: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const views = await Promise.all(ports.map((p) => request(p, 'GET', '/cluster/status').then((r) => JSON.parse(r.text) as { members: { state: string }[]; leader: string | null })));
    if (views.every((v) => v.members.length === ports.length && v.members.every((m) => m.state === 'alive') && v.leader !== null)) return;
    await sleep(50);
  }
  throw new Error('the cluster did not converge within 10 s');
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return nearestRank(sorted, p / 100);
}

async function main(): Promise<void> {
  if (DURABLE) dataRoot = mkdtempSync(path.join(tmpdir(), 'godist-bench-'));
  const ports = await freePorts(3);
  const startupMs: number[] = [];
  // One at a time, so each start-up is measured without the others competing for the CPU.
  startupMs.push(await startNode('node-1', ports[0]!, undefined));
  startupMs.push(await startNode('node-2', ports[1]!, ports[0]));
  startupMs.push(await startNode('node-3', ports[2]!, ports[0]));
  await waitConverged(ports);
  const mode = DURABLE ? 'durable (--data-dir, fsync per group commit)' : 'in memory';
  console.log(`3 nodes up (${mode}, quorum ${opts.quorum}, read repair ${opts['read-repair']}, internal routes ${SECRET ? 'behind a cluster secret' : 'open'}); start-up ms: ${startupMs.map((m) => m.toFixed(0)).join(', ')}`);

  const keyName = (i: number) => `k${i}`;
  // Fill every key once so gets find values (not timed).
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < KEYS) {
        const i = next++;
        await request(ports[i % 3]!, 'POST', '/kv/put', JSON.stringify({ key: keyName(i), value: 'v0' }));
      }
    }),
  );

  console.log(`running ${CLIENTS} clients for ${SECONDS} s over ${KEYS} keys, half puts, half gets ...`);
  const latencies: number[] = [];
  const counts = { put: 0, get: 0, ok: 0, notFound: 0, unavailable: 0, otherStatus: 0, errors: 0 };
  const endAt = performance.now() + SECONDS * 1000;
  let seq = 0;
  const nodeCpu0 = children.map((c) => cpuMsOf(c.pid));
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < endAt) {
        const port = ports[Math.floor(Math.random() * 3)]!;
        const key = keyName(Math.floor(Math.random() * KEYS));
        const isPut = Math.random() < 0.5;
        const start = performance.now();
        try {
          const r = isPut
            ? await request(port, 'POST', '/kv/put', JSON.stringify({ key, value: `c${c}-${seq++}` }))
            : await request(port, 'GET', `/kv/get/${encodeURIComponent(key)}`);
          latencies.push(performance.now() - start);
          if (isPut) counts.put++;
          else counts.get++;
          if (r.status === 200) counts.ok++;
          else if (r.status === 404) counts.notFound++;
          else if (r.status === 503) counts.unavailable++;
          else counts.otherStatus++;
        } catch {
          counts.errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const nodeCpuMs = children.map((c, i) => cpuMsOf(c.pid) - nodeCpu0[i]!);
  const cu = process.cpuUsage(clientCpu0);
  const clientCpuMs = (cu.user + cu.system) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const ops = latencies.length;
  const result = {
    bench: 'node',
    mode: DURABLE ? 'durable' : 'memory',
    quorum: opts.quorum,
    readRepair: opts['read-repair'],
    internalAuth: SECRET ? 'cluster-secret' : 'open',
    N: 3,
    R: 2,
    W: 2,
    clients: CLIENTS,
    keys: KEYS,
    seconds: Number(elapsed.toFixed(2)),
    ops,
    opsPerSec: Math.round(ops / elapsed),
    p50Ms: Number(percentile(sorted, 50).toFixed(2)),
    p99Ms: Number(percentile(sorted, 99).toFixed(2)),
    maxMs: Number((sorted[sorted.length - 1] ?? NaN).toFixed(2)),
    ...counts,
    startupMs: startupMs.map((m) => Math.round(m)),
    // Where the time goes: CPU used by the three nodes together and by this client, per op.
    nodeCpuUsPerOp: Math.round((nodeCpuMs.reduce((a, b) => a + b, 0) * 1000) / Math.max(1, ops)),
    clientCpuUsPerOp: Math.round((clientCpuMs * 1000) / Math.max(1, ops)),
    cpuBusyPct: Math.round(((nodeCpuMs.reduce((a, b) => a + b, 0) + clientCpuMs) / (elapsed * 1000)) * 100),
  };
  console.log(`ops/s ${result.opsPerSec}   p50 ${result.p50Ms} ms   p99 ${result.p99Ms} ms   max ${result.maxMs} ms`);
  console.log(`${ops} ops (${counts.put} puts, ${counts.get} gets): ${counts.ok} ok, ${counts.notFound} not found, ${counts.unavailable} unavailable (503), ${counts.otherStatus} other, ${counts.errors} errors`);
  const stats = await Promise.all(ports.map((p) => request(p, 'GET', '/cluster/status').then((r) => (JSON.parse(r.text) as { stats?: { replicaBatches: number; replicaOps: number; logFsyncs?: number; logRecords?: number } }).stats)));
  const batches = stats.reduce((a, s) => a + (s?.replicaBatches ?? 0), 0);
  const carried = stats.reduce((a, s) => a + (s?.replicaOps ?? 0), 0);
  const fsyncs = stats.reduce((a, s) => a + (s?.logFsyncs ?? 0), 0);
  const logged = stats.reduce((a, s) => a + (s?.logRecords ?? 0), 0);
  if (DURABLE) console.log(`durable logs: ${logged} records in ${fsyncs} fsyncs (${(logged / Math.max(1, fsyncs)).toFixed(2)} per fsync, ${Math.round(fsyncs / elapsed)} fsyncs/s over 3 nodes)`);
  console.log(`node-to-node: ${carried} replica reads/writes in ${batches} HTTP requests (${(carried / Math.max(1, batches)).toFixed(2)} per request)`);
  console.log(`CPU per op: nodes ${result.nodeCpuUsPerOp} µs, client ${result.clientCpuUsPerOp} µs; CPU busy ${result.cpuBusyPct}% of one core (this box has 2)`);
  console.log(JSON.stringify(result));
  agent.destroy();
}

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch((e: unknown) => {
    console.error(`bench:node failed: ${(e as Error)?.stack ?? String(e)}`);
    cleanup();
    process.exit(1);
  });
