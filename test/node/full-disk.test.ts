/**
 * A node whose data directory is on a real 1 MiB tmpfs that fills up. Needs root (mount); skipped
 * otherwise, with the reason (durable-log-failures.test.ts covers the same cases with a simulated
 * failing writer everywhere).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, rmdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAIN_JS, Processes, freePort, get, put, request, waitFor, type NodeProcess } from './processes.js';

function mountTmpfs(): { dir: string } | { skip: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'godist-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (e) {
    rmdirSync(dir);
    return { skip: `cannot mount a tmpfs here (${String((e as Error).message).split('\n')[0]})` };
  }
}

const mount = mountTmpfs();
const mnt = 'dir' in mount ? mount.dir : '';
if ('skip' in mount) console.log(`full-disk.test: skipped: ${mount.skip}`);

const fillers: string[] = [];

/** Fill the file system holding `dir` to the last byte; returns the filler to delete. */
function fill(dir: string): string {
  const filler = path.join(dir, `filler-${fillers.length}`);
  fillers.push(filler);
  const fd = openSync(filler, 'w');
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe.skipIf(!mnt)('a node on a 1 MiB disk that fills', () => {
  const procs = new Processes();
  let port: number;
  let dataDir: string;
  const acked = new Map<string, string>();
  const args = () => ['-N', '1', '-R', '1', '-W', '1', '--data-dir', dataDir];

  beforeAll(async () => {
    port = await freePort();
    dataDir = path.join(mnt, 'data');
    mkdirSync(dataDir);
  });
  afterEach(async () => {
    await procs.killAll();
    for (const f of fillers.splice(0)) rmSync(f, { force: true });
  });
  afterAll(async () => {
    await procs.killAll();
    if (mnt) {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  async function putAcked(node: NodeProcess, key: string, value: string) {
    const r = await put(node.port, key, value);
    if (r.status === 200) acked.set(key, value);
    return r;
  }

  async function everyAckedWriteReadsBack() {
    for (const [key, value] of acked) expect((await get(port, key)).json, key).toMatchObject({ value });
  }

  it('refuses writes while the disk is full, says so in /health and the log, and recovers by itself when space returns', async () => {
    const node = await procs.start('node-1', port, args());
    for (let i = 1; i <= 20; i++) expect((await putAcked(node, `k${i}`, `v${i}`)).status).toBe(200);
    expect((await request(port, 'GET', '/health')).json).toEqual({ ok: true, log: { state: 'ok' } });

    const filler = fill(mnt);
    // The log's last page may still hold a few records; the first write past it fails.
    let first = 0;
    for (let i = 0; i < 500 && (await putAcked(node, 'k1', `until-full-${i}-${'x'.repeat(100)}`)).status === 200; i++) first++;
    expect(first).toBeLessThan(500);
    for (let i = 0; i < 4; i++) {
      const r = await putAcked(node, 'k1', `refused-${i}-${'x'.repeat(100)}`);
      expect(r.status).toBe(503);
      expect(r.json.replicas[0].error).toMatch(/cannot take writes: ENOSPC/);
    }
    const sick = await request(port, 'GET', '/health');
    expect(sick.status).toBe(503);
    expect(sick.json).toMatchObject({ ok: false, error: expect.stringMatching(/^the durable log cannot take writes \(ENOSPC/), log: { state: 'failing', failedBatches: 5 } });
    expect(node.eventsOf('log-append-failed')).toHaveLength(1);
    await everyAckedWriteReadsBack(); // reads go on

    rmSync(filler);
    await waitFor(async () => (await request(port, 'GET', '/health')).status === 200, 10_000, '/health to turn 200 once space returned');
    expect(node.eventsOf('log-append-recovered')).toMatchObject([{ by: 'probe', failedBatches: 5 }]);
    expect((await putAcked(node, 'k1', 'after')).status).toBe(200);
    await everyAckedWriteReadsBack();
    expect(node.stderr).toBe('');
    expect(node.eventsOf('failed')).toEqual([]);
  });

  it('starts on a full disk (no compaction needing a second copy), and serves reads', async () => {
    const filler = fill(mnt);
    const node = await procs.start('node-1', port, [...args(), '--compact-after-bytes', '1024']);
    expect(node.eventsOf('log-replayed')[0]).toMatchObject({ records: expect.any(Number), rewritten: false, rewriteSkipped: expect.stringMatching(/^compaction skipped \(no room for a second copy: ENOSPC/) });
    await everyAckedWriteReadsBack();
    expect((await put(port, 'k2', 'refused')).status).toBe(503);
    expect((await request(port, 'GET', '/health')).status).toBe(503);
    rmSync(filler);
    expect(node.stderr).toBe('');
  });

  it('a torn log on a full disk: one line and exit 2 (no room to keep the damaged bytes); with space, it starts and keeps them', async () => {
    const file = path.join(dataDir, 'node-1.wal');
    truncateSync(file, statSync(file).size - 10);
    const filler = fill(mnt);
    const r = spawnSync(process.execPath, [MAIN_JS, '--id', 'node-1', '--addr', `127.0.0.1:${port}`, ...args()], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, GODIST_CLUSTER_SECRET: undefined } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^godist node: cannot keep the \d+ damaged bytes of .*node-1\.wal aside before repairing it \(ENOSPC: [^\n]*\); free some space on its disk and start again\n$/);
    rmSync(filler);
    const node = await procs.start('node-1', port, args());
    const replayed = node.eventsOf('log-replayed')[0]!;
    expect(replayed).toMatchObject({ tornBytes: expect.any(Number), rewritten: true, newestDroppedKeys: ['k1'] });
    expect(readdirSync(dataDir).some((f) => f.startsWith('node-1.wal.discarded-'))).toBe(true);
    // k1's newest record was the one cut by hand: the value acknowledged before it comes back.
    expect((await get(port, 'k1')).json.value).toMatch(/^until-full-/);
    acked.delete('k1');
    await everyAckedWriteReadsBack();
  });
});
