/**
 * HTTP fuzz test of the node: seeded, bounded, loopback only. Against a real 3-node cluster, with and
 * without a cluster secret, thousands of malformed and hostile requests (hostile-requests.ts), each
 * malformed by construction, interleaved with valid puts: internal messages, the membership routes
 * (dial, leave, ring), puts, gets, wrong methods and routes, raw bytes. Asserts: no node crashes or
 * logs a failure; every malformed request gets a 4xx with a JSON error; every acknowledged write reads
 * back, and the membership, dial addresses and leader are as before (no member left or retired); each
 * node's RSS stays within bounds. Prints its figures.
 *
 * Repeat: npm run build && npx vitest run test/node/http-fuzz.test.ts
 * (GODIST_FUZZ_REQUESTS=30000 for more requests per cluster, GODIST_FUZZ_SEED=n for another seed)
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { FAST, Processes, freePort, get, put, status, waitFor, type NodeProcess } from './processes.js';
import { hostileRequests, rawGarbage, type HostileRequest } from './hostile-requests.js';

const REQUESTS = Number(process.env.GODIST_FUZZ_REQUESTS ?? 6000);
const SEED = Number(process.env.GODIST_FUZZ_SEED ?? 1313);
const CONCURRENCY = 16;
const SECRET = 'fuzz-secret-0123456789abcdef';
/** How much a node's resident memory may grow over the run (a heartbeat of 2,000 made-up members once took a node from 58 to 536 MB). */
const RSS_GROWTH_BOUND_MB = 60;

const procs = new Processes();
afterEach(() => procs.killAll());
const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) console.log(`HTTP fuzz (seed ${SEED}):\n${figures.join('\n')}`);
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface Outcome {
  status: number;
  contentType: string | undefined;
  error: unknown;
}

function send(agent: http.Agent, port: number, r: HostileRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let error: unknown;
        try {
          error = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: unknown }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], error });
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${r.method} ${r.path} timed out`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Raw bytes on a fresh connection; the first line of the answer, its JSON error, or null when none came. */
function sendRaw(port: number, bytes: Buffer): Promise<{ head: string; error: unknown } | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (c: string) => (out += c));
    const done = () => {
      if (!out) return resolve(null);
      const body = out.slice(out.indexOf('\r\n\r\n') + 4);
      let error: unknown;
      try {
        error = (JSON.parse(body) as { error?: unknown }).error;
      } catch {
        error = undefined;
      }
      resolve({ head: out.slice(0, out.indexOf('\r\n')), error });
    };
    s.on('close', done);
    s.on('error', () => {});
    // A request the parser is still waiting on gets no answer: that is not a failure.
    s.setTimeout(2000, () => s.destroy());
    s.write(bytes);
  });
}

async function startCluster(env: Record<string, string>): Promise<NodeProcess[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = [await procs.start('node-1', ports[0]!, FAST, 10_000, env)];
  for (const i of [1, 2]) nodes.push(await procs.start(`node-${i + 1}`, ports[i]!, [...FAST, '--seed', `127.0.0.1:${ports[0]}`], 10_000, env));
  await waitFor(async () => {
    for (const n of nodes) {
      const s = await status(n.port);
      if (s.members.length !== 3 || s.members.some((m) => m.state !== 'alive') || s.leader !== 'node-3') return false;
    }
    return true;
  }, 10_000, 'three members alive and node-3 leading');
  return nodes;
}

describe.each([
  ['with a cluster secret', SECRET],
  ['without a cluster secret (open internal routes)', undefined],
])('HTTP fuzz of a 3-node cluster %s', (label, secret) => {
  it(`${REQUESTS} malformed and hostile requests: no crash, a 4xx JSON error for each, acknowledged data intact, memory bounded`, async () => {
    const nodes = await startCluster(secret ? { GODIST_CLUSTER_SECRET: secret } : {});
    const t0 = performance.now();
    const acked = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const r = await put(nodes[i % 3]!.port, i === 0 ? 'alpha' : `before-${i}`, `v${i}`);
      expect(r.status).toBe(200);
      acked.set(i === 0 ? 'alpha' : `before-${i}`, `v${i}`);
    }
    const rssBefore = nodes.map((n) => rssMb(n.child.pid!));

    const requests = hostileRequests(REQUESTS, SEED + (secret ? 1 : 0), secret);
    const raw = rawGarbage(Math.ceil(REQUESTS / 50), SEED + 2);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const bad: string[] = [];
    const byStatus = new Map<number, number>();
    let validPuts = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const i = next++;
          const r = requests[i]!;
          const node = nodes[i % 3]!;
          const o = await send(agent, node.port, r).catch((e: Error) => ({ status: 0, contentType: undefined, error: e.message }));
          byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
          const ok = (r.status === undefined ? o.status >= 400 && o.status < 500 : o.status === r.status) && o.contentType === 'application/json' && typeof o.error === 'string';
          if (!ok && bad.length < 20) bad.push(`${r.what}: ${r.method} ${r.path.slice(0, 80)} ${String(r.body ?? '').slice(0, 120)} → ${o.status} ${JSON.stringify(o.error)}`);
          // Valid writes among the attacks, to check afterwards that every acknowledged one is there.
          if (i % 100 === 0) {
            const key = `during-${i}`;
            const w = await put(nodes[(i + 1) % 3]!.port, key, `w${i}`);
            if (w.status === 200) {
              acked.set(key, `w${i}`);
              validPuts++;
            }
          }
        }
      }),
    );
    agent.destroy();
    let rawAnswered = 0;
    let rawUnanswered = 0;
    for (const [i, g] of raw.entries()) {
      const a = await sendRaw(nodes[i % 3]!.port, g.bytes);
      if (a === null) rawUnanswered++;
      else {
        rawAnswered++;
        if (!/^HTTP\/1\.1 4\d\d /.test(a.head) || typeof a.error !== 'string') bad.push(`${g.what}: ${JSON.stringify(g.bytes.toString('latin1').slice(0, 60))} → ${a.head} ${JSON.stringify(a.error)}`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const rssAfter = nodes.map((n) => rssMb(n.child.pid!));

    // Every acknowledged write reads back from every node; membership and leader unchanged.
    for (const n of nodes) {
      for (const [key, value] of acked) expect((await get(n.port, key)).json, `${key} on ${n.id}`).toMatchObject({ value, version: 1 });
      const s = await status(n.port);
      expect(s.members.map((m) => `${m.id}:${m.state}`)).toEqual(['node-1:alive', 'node-2:alive', 'node-3:alive']);
      // No dial address was planted (/cluster/dial) and no member retired (a heartbeat's left list, /internal/leave).
      expect(s.members.filter((m) => (m as { dial?: string }).dial !== undefined)).toEqual([]);
      expect(n.eventsOf('member-left')).toEqual([]);
      expect(n.eventsOf('left')).toEqual([]);
      expect(s.leader).toBe('node-3');
    }
    const crashed = nodes.filter((n) => !n.alive || n.stderr !== '' || n.eventsOf('failed').length > 0);
    const statuses = [...byStatus].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}:${c}`).join(' ');
    figures.push(
      `  ${label}: ${requests.length} requests + ${raw.length} raw (${rawAnswered} answered, ${rawUnanswered} left waiting) in ${seconds.toFixed(1)} s; ` +
        `crashes=${crashed.length}; non-4xx on malformed=${bad.length}; statuses ${statuses}; ${validPuts} valid puts among them, ${acked.size} acknowledged writes intact; ` +
        `RSS MB before/after: ${nodes.map((n, i) => `${n.id} ${rssBefore[i]}/${rssAfter[i]}`).join(', ')}`,
    );
    expect(crashed.map((n) => `${n.id}: ${n.stderr} ${JSON.stringify(n.eventsOf('failed'))}`)).toEqual([]);
    expect(bad).toEqual([]);
    for (let i = 0; i < 3; i++) expect(rssAfter[i]! - rssBefore[i]!, `RSS of ${nodes[i]!.id}`).toBeLessThan(RSS_GROWTH_BOUND_MB);
  }, 120_000);
});
