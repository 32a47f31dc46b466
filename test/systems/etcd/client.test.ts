import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtcdClient, type EtcdClient } from '../../../harness/systems/etcd/client.js';
import { startEtcdCluster, type EtcdCluster } from '../../../harness/systems/etcd/cluster.js';
import { DEFAULT_ETCD_SETTINGS } from '../../../harness/systems/etcd/settings.js';

/** The client against a real three-member etcd, shared by the tests of this file and stopped after them. */
const root = mkdtempSync(path.join(os.tmpdir(), 'godist-etcd-client-test-'));
let c: EtcdCluster;
const clients: EtcdClient[] = [];
beforeAll(async () => {
  c = await startEtcdCluster({
    names: ['n1', 'n2', 'n3'],
    dataDir: (m) => path.join(root, m),
    logDir: path.join(root, 'logs'),
    settings: DEFAULT_ETCD_SETTINGS,
  });
  await c.start();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await c?.stop();
  rmSync(root, { recursive: true, force: true });
});

function client(reads: 'linearizable' | 'serializable' = 'linearizable', timeoutMs = 2000): EtcdClient {
  const made = createEtcdClient({ reads, timeoutMs });
  clients.push(made);
  return made;
}

describe('the etcd client', () => {
  it('reads a missing key as null, then what was written, from any member, with the revision that wrote it', async () => {
    const kv = client();
    const missing = await kv.read(c.clientAddr('n1'), 'alpha');
    expect(missing).toMatchObject({ type: 'ok', value: null, trace: { modRevision: null } });
    const written = await kv.write(c.clientAddr('n2'), 'alpha', 17);
    expect(written).toMatchObject({ type: 'ok', value: 17 });
    expect(written.trace!.modRevision).toBe(written.trace!.revision);
    expect(written.trace!.revision).toBeGreaterThan(missing.trace!.revision);
    const read = await kv.read(c.clientAddr('n3'), 'alpha');
    expect(read).toMatchObject({ type: 'ok', value: 17, trace: { modRevision: written.trace!.modRevision } });
    // The trace names the member that answered, and the members tell their ids apart.
    expect(c.memberNames().get(read.trace!.memberId)).toBe('n3');
    expect(read.trace!.raftTerm).toBeGreaterThan(0);
  });

  it('keeps values as they were written: numbers, strings, objects', async () => {
    const kv = client();
    for (const value of [0, -3, 'seventeen', '17', { a: [1, 'b'] }]) {
      await kv.write(c.clientAddr('n1'), 'typed', value);
      expect((await kv.read(c.clientAddr('n1'), 'typed')).value).toEqual(value);
    }
  });

  it('cas puts only when the value is the expected one; a failed compare is fail, with what was there', async () => {
    const kv = client();
    const addr = c.clientAddr('n1');
    expect(await kv.cas(addr, 'beta', null, 1)).toMatchObject({ type: 'ok', value: [null, 1] }); // expected: no key
    expect(await kv.cas(addr, 'beta', null, 2)).toMatchObject({ type: 'fail', error: 'cas mismatch', trace: { found: 1 } });
    const ok = await kv.cas(addr, 'beta', 1, 3);
    expect(ok).toMatchObject({ type: 'ok', value: [1, 3] });
    const mismatch = await kv.cas(addr, 'beta', 1, 4);
    expect(mismatch).toMatchObject({ type: 'fail', trace: { found: 3, modRevision: ok.trace!.modRevision } });
    expect((await kv.read(addr, 'beta')).value).toBe(3);
  });

  it('serializable reads are answered too (by the member alone)', async () => {
    const kv = client('serializable');
    await client().write(c.clientAddr('n1'), 'gamma', 5);
    const read = await kv.read(c.clientAddr('n2'), 'gamma');
    expect(read.type).toBe('ok');
  });

  it('a member that does not answer in time: a write or cas is info, a read is fail; a refused connection is fail', async () => {
    const kv = client('linearizable', 300);
    const addr = c.clientAddr('n3');
    c.pause('n3');
    try {
      expect(await kv.write(addr, 'delta', 1)).toEqual({ type: 'info', error: 'timeout' });
      expect(await kv.cas(addr, 'delta', null, 1)).toEqual({ type: 'info', error: 'timeout' });
      expect(await kv.read(addr, 'delta')).toEqual({ type: 'fail', error: 'timeout' });
    } finally {
      c.resume('n3');
    }
    await c.kill('n3');
    const fresh = client('linearizable', 300); // no kept-alive socket: the connect itself is refused
    expect(await fresh.write(addr, 'delta', 1)).toEqual({ type: 'fail', error: 'ECONNREFUSED' });
    await c.restart('n3');
    await c.waitUntilReady(10_000);
  });
});
