import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEtcdClient, type EtcdClient, type EtcdCompletion } from '../../../harness/systems/etcd/client.js';
import { startEtcdCluster, type EtcdCluster } from '../../../harness/systems/etcd/cluster.js';
import { DEFAULT_ETCD_SETTINGS, type ReadMode } from '../../../harness/systems/etcd/settings.js';
import type { LinkPair } from '../../../harness/run/topologies.js';

/**
 * What the two read modes promise, shown on a real cluster: one member is cut off by a partition
 * while a writer keeps counting up through the majority and a reader reads from the cut-off member.
 * A read is stale when it returns less than a write that had completed before the read began.
 * Serializable reads go stale (the member answers from a state that no longer moves); linearizable
 * reads there cannot reach the leader, so they fail, and never go stale.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-stale-test-'));
const NAMES = ['n1', 'n2', 'n3'];
let cluster: EtcdCluster | undefined;
const clients: EtcdClient[] = [];
afterEach(async () => {
  while (clients.length) clients.pop()!.close();
  await cluster?.stop();
  cluster = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Op {
  f: 'read' | 'write';
  start: number;
  end: number;
  done: EtcdCompletion;
}

/** Reads that returned less than a write already completed (ok) when the read began. */
function staleReads(ops: readonly Op[]): Op[] {
  const acked = ops.filter((o) => o.f === 'write' && o.done.type === 'ok');
  return ops.filter((r) => {
    if (r.f !== 'read' || r.done.type !== 'ok') return false;
    const newest = Math.max(-1, ...acked.filter((w) => w.end < r.start).map((w) => w.done.value as number));
    return ((r.done.value as number | null) ?? -1) < newest;
  });
}

async function timed(f: Op['f'], call: () => Promise<EtcdCompletion>): Promise<Op> {
  const start = performance.now();
  const done = await call();
  return { f, start, end: performance.now(), done };
}

/** 1.5 s of a partition that isolates a follower: writes through the leader, reads from the follower. */
async function partitionedRun(reads: ReadMode): Promise<Op[]> {
  const dir = path.join(root, reads);
  cluster = await startEtcdCluster({ names: NAMES, dataDir: (m) => path.join(dir, m), logDir: path.join(dir, 'logs'), settings: { ...DEFAULT_ETCD_SETTINGS, reads } });
  await cluster.start();
  const c = cluster;
  const writer = createEtcdClient({ reads, timeoutMs: 500 });
  const reader = createEtcdClient({ reads, timeoutMs: 300 });
  clients.push(writer, reader);
  const leader = (await c.views(500)).get('n1')!.leader!;
  const loner = NAMES.find((n) => n !== leader)!;
  const ops: Op[] = [];
  let running = true;
  const writing = (async () => {
    for (let i = 0; running; i++) {
      ops.push(await timed('write', () => writer.write(c.clientAddr(leader), 'k', i)));
      await sleep(5);
    }
  })();
  const reading = (async () => {
    while (running) {
      ops.push(await timed('read', () => reader.read(c.clientAddr(loner), 'k')));
      await sleep(5);
    }
  })();
  await sleep(200);
  c.proxies.apply({ cut: NAMES.filter((n) => n !== loner).flatMap((o): LinkPair[] => [[loner, o], [o, loner]]) });
  await sleep(1500);
  running = false;
  await Promise.all([writing, reading]);
  return ops;
}

describe('reads from a member cut off by a partition', () => {
  it('serializable: some go stale', async () => {
    const ops = await partitionedRun('serializable');
    const stale = staleReads(ops);
    expect(ops.filter((o) => o.f === 'write' && o.done.type === 'ok').length).toBeGreaterThan(20); // the majority goes on
    expect(stale.length).toBeGreaterThan(5);
  });

  it('linearizable: none goes stale; the cut-off member fails them instead', async () => {
    const ops = await partitionedRun('linearizable');
    expect(ops.filter((o) => o.f === 'write' && o.done.type === 'ok').length).toBeGreaterThan(20);
    expect(staleReads(ops)).toEqual([]);
    const failedReads = ops.filter((o) => o.f === 'read' && o.done.type === 'fail');
    expect(failedReads.length).toBeGreaterThan(2);
  });
});
