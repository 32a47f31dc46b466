/**
 * What a pass-mode link costs: keep-alive HTTP requests per second straight to a server versus
 * through one link (and, as a floor, through the barest `pipe` proxy), and the CPU the link takes
 * in the harness process per request.
 *
 * Three processes, as in a real run: the server (a node) and the load (the dialling node) are child
 * processes; this process holds only the link, as the harness does. Rounds alternate direct and
 * proxied so drift hits both; medians are reported. The last line is one JSON object.
 *
 * It measures twice: flat out (closed loop, `--concurrency` requests in flight) for throughput and
 * CPU per request, then at a fixed `--rate` (open loop) for the latency the link adds and its share
 * of a core at that load.
 *
 *   npm run bench:proxy [-- --seconds 3 --rounds 3 --concurrency 16 --rate 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startLink } from '../harness/proxy/index.js';
import { nearestRank } from '../harness/shared/sorted.js';

const self = fileURLToPath(import.meta.url);
const role = process.argv[2];

if (role === 'server') {
  const body = JSON.stringify({ key: 'k1', value: 'v', version: 7, replies: [] });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
  });
  process.on('disconnect', () => process.exit(0));
} else if (role === 'load') {
  // rate 0: closed loop, `concurrency` requests always in flight (throughput);
  // rate > 0: open loop, that many requests per second whatever the answers (latency at a load).
  const [port, concurrency, ms, rate] = process.argv.slice(3).map(Number) as [number, number, number, number];
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let done = 0;
  let errors = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  const one = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = http.request({ host: '127.0.0.1', port, path: '/internal/get/k1', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          done++;
          latencies.push(performance.now() - sent);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  if (rate > 0) {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; performance.now() < deadline; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(one());
    }
    await Promise.all(inFlight);
  } else {
    const worker = async () => {
      while (performance.now() < deadline) await one();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length === 0 ? 0 : nearestRank(latencies, p));
  process.stdout.write(JSON.stringify({ done, errors, elapsed, p50: q(0.5), p99: q(0.99) }) + '\n');
  agent.destroy();
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string', default: '2000' },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const fixedRate = Number(values.rate);

  const server = spawn(process.execPath, [self, 'server'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  try {
    const [line] = (await once(server.stdout!, 'data')) as [Buffer];
    const serverPort = Number(line.toString().trim());
    const link = await startLink({ from: 'load', to: 'server', target: { host: '127.0.0.1', port: serverPort } });
    try {
      const bare = await startBarePipe(serverPort);
      const paths = { direct: serverPort, link: link.port, pipe: bare.port } as const;
      const rps: Record<keyof typeof paths, number[]> = { direct: [], link: [], pipe: [] };
      const cpuUs: Record<keyof typeof paths, number[]> = { direct: [], link: [], pipe: [] };
      const p50: Record<keyof typeof paths, number[]> = { direct: [], link: [], pipe: [] };
      const p99: Record<keyof typeof paths, number[]> = { direct: [], link: [], pipe: [] };
      const cpuShare: number[] = [];
      for (const port of Object.values(paths)) await load(port, concurrency, 500, 0); // warm up
      for (let r = 0; r < rounds; r++) {
        for (const [name, port] of Object.entries(paths) as [keyof typeof paths, number][]) {
          const cpu = process.cpuUsage();
          const result = await load(port, concurrency, seconds * 1000, 0);
          const used = process.cpuUsage(cpu);
          rps[name].push(rate(result));
          cpuUs[name].push((used.user + used.system) / result.done);
          const cpuAtRate = process.cpuUsage();
          const atRate = await load(port, concurrency * 4, seconds * 1000, fixedRate);
          const usedAtRate = process.cpuUsage(cpuAtRate);
          p50[name].push(atRate.p50);
          p99[name].push(atRate.p99);
          if (name === 'link') cpuShare.push((usedAtRate.user + usedAtRate.system) / 1000 / atRate.elapsed);
        }
      }
      await bare.close();
      const d = median(rps.direct);
      const l = median(rps.link);
      const b = median(rps.pipe);
      const cpuLink = median(cpuUs.link);
      const cpuPipe = median(cpuUs.pipe);
      const overhead = (1 - l / d) * 100;
      const row = (label: string, xs: number[]) =>
        `  ${label.padEnd(26)}${median(xs).toFixed(0).padStart(7)} req/s   (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
      console.log(`keep-alive HTTP on loopback, ${concurrency} concurrent, ${rounds} × ${seconds} s each`);
      console.log(row('direct', rps.direct));
      console.log(row('through a link', rps.link));
      console.log(row('through a bare pipe proxy', rps.pipe));
      console.log(`  throughput lost to the link: ${overhead.toFixed(1)} % (bare pipe: ${((1 - b / d) * 100).toFixed(1)} %)`);
      console.log(`  CPU in the harness process per request: link ${cpuLink.toFixed(1)} µs, bare pipe ${cpuPipe.toFixed(1)} µs`);
      const ms = (xs: number[]) => `${median(xs).toFixed(2)} ms`;
      console.log(`at a fixed ${fixedRate} req/s:`);
      console.log(`  latency p50 / p99: direct ${ms(p50.direct)} / ${ms(p99.direct)}, link ${ms(p50.link)} / ${ms(p99.link)}, bare pipe ${ms(p50.pipe)} / ${ms(p99.pipe)}`);
      console.log(`  the link's share of one core in the harness process: ${(median(cpuShare) * 100).toFixed(1)} %`);
      console.log(
        JSON.stringify({
          bench: 'proxy',
          concurrency,
          seconds,
          rounds,
          directRps: Math.round(d),
          linkRps: Math.round(l),
          barePipeRps: Math.round(b),
          overheadPct: Number(overhead.toFixed(1)),
          linkCpuUsPerRequest: Number(cpuLink.toFixed(1)),
          barePipeCpuUsPerRequest: Number(cpuPipe.toFixed(1)),
          fixedRate,
          directP50Ms: round2(median(p50.direct)),
          linkP50Ms: round2(median(p50.link)),
          directP99Ms: round2(median(p99.direct)),
          linkP99Ms: round2(median(p99.link)),
          linkCoreShareAtRate: round2(median(cpuShare)),
        }),
      );
    } finally {
      await link.close();
    }
  } finally {
    server.kill();
  }
}

/** The floor: the simplest proxy there is (socket.pipe both ways), to compare the link against. */
async function startBarePipe(targetPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface LoadResult {
  done: number;
  errors: number;
  elapsed: number;
  p50: number;
  p99: number;
}

async function load(port: number, concurrency: number, ms: number, perSecond: number): Promise<LoadResult> {
  const args = [self, 'load', String(port), String(concurrency), String(ms), String(perSecond)];
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`load process exited with ${code}`);
  const result = JSON.parse(out) as LoadResult;
  if (result.errors > 0) throw new Error(`${result.errors} requests failed`);
  return result;
}

function rate(r: LoadResult): number {
  return (r.done / r.elapsed) * 1000;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
