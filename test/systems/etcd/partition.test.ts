import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEtcdClient, type EtcdClient } from '../../../harness/systems/etcd/client.js';
import { startEtcdCluster, type EtcdCluster } from '../../../harness/systems/etcd/cluster.js';
import type { MemberView } from '../../../harness/systems/etcd/cluster-view.js';
import { DEFAULT_ETCD_SETTINGS } from '../../../harness/systems/etcd/settings.js';
import type { LinkPair } from '../../../harness/run/topologies.js';

/**
 * A cut through the fronts really stops Raft traffic, measured from etcd's own status: a cut-off
 * leader steps down and the majority elects another; a cut-off follower's log stops while the
 * majority's grows; a heal brings both back. Real etcd, three members, a few seconds.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-partition-test-'));
const NAMES = ['n1', 'n2', 'n3'];
let c: EtcdCluster | undefined;
let client: EtcdClient | undefined;
let writing: Promise<void> | undefined;
let stopWriting = false;
afterEach(async () => {
  stopWriting = true;
  await writing;
  client?.close();
  await c?.stop();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isolate = (x: string): LinkPair[] => NAMES.filter((n) => n !== x).flatMap((o): LinkPair[] => [[x, o], [o, x]]);

async function views(cluster: EtcdCluster): Promise<Record<string, MemberView | undefined>> {
  return Object.fromEntries(await cluster.views(300));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await sleep(20);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

/** A cluster with a writer putting to `target()` every 10 ms, so a log that works grows. */
async function busyCluster(name: string, target: () => string): Promise<EtcdCluster> {
  const dir = path.join(root, name);
  c = await startEtcdCluster({ names: NAMES, dataDir: (m) => path.join(dir, m), logDir: path.join(dir, 'logs'), settings: DEFAULT_ETCD_SETTINGS });
  await c.start();
  client = createEtcdClient({ reads: 'linearizable', timeoutMs: 300 });
  stopWriting = false;
  const cluster = c;
  const writer = client;
  writing = (async () => {
    for (let i = 0; !stopWriting; i++) {
      await writer.write(cluster.clientAddr(target()), 'k', i);
      await sleep(10);
    }
  })();
  return cluster;
}

const bytesOn = (cluster: EtcdCluster, links: LinkPair[]) =>
  links.reduce((sum, [from, to]) => sum + cluster.proxies.link(from, to).stats().bytesForwarded, 0);

describe('etcd behind the fronts', () => {
  it('a cut-off leader steps down, the majority elects another, and after the heal it follows and catches up', async () => {
    let target = 'n1';
    const cluster = await busyCluster('leader', () => target);
    const leader = (await views(cluster))['n1']!.leader!;
    const majority = NAMES.filter((n) => n !== leader);
    target = majority[0]!;

    cluster.proxies.apply({ cut: isolate(leader) });
    const stepped = await until(`${leader} steps down`, 3000, async () => {
      const v = (await views(cluster))[leader];
      return v && v.leader !== leader ? v : undefined;
    });
    expect(stepped.leader).toBeNull(); // it hears no one, so it knows no leader
    const elected = await until('the majority elects another leader', 3000, async () => {
      const v = await views(cluster);
      const theirs = majority.map((n) => v[n]?.leader);
      return theirs.every((l) => l && l !== leader && l === theirs[0]) ? theirs[0]! : undefined;
    });
    expect(majority).toContain(elected);

    // While cut, not one byte crosses the leader's links, and its log stands still while theirs grows.
    const forwarded = bytesOn(cluster, isolate(leader));
    const before = await views(cluster);
    await sleep(500);
    const after = await views(cluster);
    expect(bytesOn(cluster, isolate(leader))).toBe(forwarded);
    expect(after[leader]!.raftIndex).toBe(before[leader]!.raftIndex);
    expect(after[elected]!.raftIndex).toBeGreaterThan(before[elected]!.raftIndex + 5);

    cluster.proxies.heal();
    await until(`${leader} follows ${elected} and catches up`, 3000, async () => {
      const v = await views(cluster);
      const own = v[leader];
      return own && own.leader === elected && own.appliedIndex >= after[elected]!.appliedIndex ? own : undefined;
    });
    expect(bytesOn(cluster, isolate(leader))).toBeGreaterThan(forwarded);
  });

  it("a cut-off follower's log stops while the leader's grows, and it catches up after the heal", async () => {
    let target = 'n1';
    const cluster = await busyCluster('follower', () => target);
    const leader = (await views(cluster))['n1']!.leader!;
    const follower = NAMES.find((n) => n !== leader)!;
    target = leader;

    cluster.proxies.apply({ cut: isolate(follower) });
    await sleep(100); // what was in flight lands
    const before = await views(cluster);
    await sleep(700);
    const after = await views(cluster);
    expect(after[follower]!.raftIndex).toBe(before[follower]!.raftIndex);
    expect(after[leader]!.raftIndex).toBeGreaterThan(before[leader]!.raftIndex + 10);
    expect(after[leader]!.leader).toBe(leader); // two of three still make a quorum

    cluster.proxies.heal();
    const caught = await until(`${follower} catches up`, 5000, async () => {
      const v = await views(cluster);
      const own = v[follower];
      return own && own.leader !== null && own.appliedIndex >= after[leader]!.appliedIndex ? own : undefined;
    });
    expect(caught.raftIndex).toBeGreaterThan(after[follower]!.raftIndex);
  });
});
