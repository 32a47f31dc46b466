import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../harness/shared/paths.js';
import { createEtcdClient } from '../../../harness/systems/etcd/client.js';
import { startEtcdCluster, type EtcdCluster } from '../../../harness/systems/etcd/cluster.js';
import { DEFAULT_ETCD_SETTINGS } from '../../../harness/systems/etcd/settings.js';
import { processesUnder, waitUntilGone } from './processes.js';

/** A real three-member etcd (Debian's etcd-server) per test, stopped after it even when it fails. */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-cluster-test-'));
const clusters: EtcdCluster[] = [];
afterEach(async () => {
  while (clusters.length) await clusters.pop()!.stop();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cluster(name: string): Promise<EtcdCluster> {
  const dir = path.join(root, name);
  const c = await startEtcdCluster({
    names: ['n1', 'n2', 'n3'],
    dataDir: (m) => path.join(dir, 'data', m),
    logDir: path.join(dir, 'logs'),
    settings: DEFAULT_ETCD_SETTINGS,
  });
  clusters.push(c);
  await c.start();
  return c;
}

/** Writes v to k until a write is acknowledged or `ms` have passed (a timed-out write is only indeterminate: the same value again is harmless). */
async function writeWithin(client: ReturnType<typeof createEtcdClient>, addr: string, v: number, ms: number): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await client.write(addr, 'k', v);
    if (r.type === 'ok' || Date.now() > until) return r.type;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an etcd cluster', () => {
  it('starts with one leader that every member knows, and leaves no process behind when stopped', async () => {
    const c = await cluster('start');
    const views = [...(await c.views(1000)).values()];
    expect(views.map((v) => v?.member)).toEqual(['n1', 'n2', 'n3']);
    const leaders = new Set(views.map((v) => v?.leader));
    expect(leaders.size).toBe(1);
    expect(c.names).toContain([...leaders][0]);
    expect(processesUnder(path.join(root, 'start')).length).toBeGreaterThanOrEqual(3);
    await c.stop();
    expect(await waitUntilGone(path.join(root, 'start'), 2000)).toEqual([]);
  });

  it('keeps what a killed member had when it restarts on its data directory', async () => {
    const c = await cluster('kill');
    const client = createEtcdClient({ reads: 'serializable', timeoutMs: 2000 });
    try {
      expect((await client.write(c.clientAddr('n1'), 'k', 7)).type).toBe('ok');
      // A follower, so that the write below needs no election (on a busy machine one can outlast the client's timeout).
      const leader = [...(await c.views(1000)).values()][0]?.leader;
      const victim = ['n3', 'n2'].find((m) => m !== leader)!;
      await c.kill(victim);
      expect(c.state(victim)).toBe('killed');
      expect((await client.read(c.clientAddr(victim), 'k')).type).toBe('fail'); // refused: nobody there
      expect(await writeWithin(client, c.clientAddr('n1'), 8, 10_000)).toBe('ok'); // two of three still commit
      await c.restart(victim);
      await c.waitUntilReady(10_000);
      // A serializable read answers from the member's own store: the old write came from its disk, the new one from the leader.
      expect(await client.read(c.clientAddr(victim), 'k')).toMatchObject({ type: 'ok', value: 8 });
    } finally {
      client.close();
    }
  });

  it('stops answering while a member is paused, and answers again once resumed', async () => {
    const c = await cluster('pause');
    const client = createEtcdClient({ reads: 'linearizable', timeoutMs: 300 });
    try {
      c.pause('n2');
      expect(c.state('n2')).toBe('paused');
      expect(await client.write(c.clientAddr('n2'), 'k', 1)).toEqual({ type: 'info', error: 'timeout' });
      c.resume('n2');
      await c.waitUntilReady(10_000);
      expect((await client.read(c.clientAddr('n2'), 'k')).type).toBe('ok');
    } finally {
      client.close();
    }
  });
});

describe('a harness killed outright', () => {
  it('leaves no etcd member behind: each guard kills its member when the pipe from the harness closes', async () => {
    const dir = path.join(root, 'orphans');
    const script = `
      import { startEtcdCluster } from ${JSON.stringify(path.join(packageRoot, 'dist/harness/systems/etcd/cluster.js'))};
      import { DEFAULT_ETCD_SETTINGS } from ${JSON.stringify(path.join(packageRoot, 'dist/harness/systems/etcd/settings.js'))};
      const c = await startEtcdCluster({ names: ['n1', 'n2', 'n3'], dataDir: (m) => ${JSON.stringify(dir)} + '/data/' + m,
        logDir: ${JSON.stringify(dir)} + '/logs', settings: DEFAULT_ETCD_SETTINGS });
      await c.start();
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);`;
    const harness = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        harness.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        harness.on('exit', (code) => reject(new Error(`the harness exited early (${code})`)));
      });
      expect(processesUnder(dir).length).toBeGreaterThanOrEqual(3);
      harness.kill('SIGKILL');
      expect(await waitUntilGone(dir, 3000)).toEqual([]);
    } finally {
      if (harness.exitCode === null) harness.kill('SIGKILL');
      for (const line of processesUnder(dir)) {
        const pid = Number(line.trim().split(/\s+/)[0]);
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  });
});
