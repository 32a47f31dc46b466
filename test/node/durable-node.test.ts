import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAST, MAIN_JS, Processes, freePort, get, put, status, waitFor } from './processes.js';

const procs = new Processes();
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'godist-durable-'));
});
afterEach(async () => {
  await procs.killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const single = (dir: string) => ['-N', '1', '-R', '1', '-W', '1', '--data-dir', dir];

describe('--data-dir', () => {
  it('a node killed with SIGKILL right after acknowledging writes comes back with every one of them', async () => {
    const port = await freePort();
    const node = await procs.start('node-1', port, single(dataDir));
    // 300 concurrent puts over 100 keys (so versions climb), all acknowledged before the kill.
    const acked = new Map<string, { value: string; version: number }>();
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const key = `k${i % 100}`;
        const r = await put(port, key, `v${i}`);
        expect(r.status).toBe(200);
        const prev = acked.get(key);
        if (!prev || r.json.version > prev.version) acked.set(key, { value: r.json.value, version: r.json.version });
      }),
    );
    await node.killHard(); // no shutdown hook runs
    const again = await procs.start('node-1', port, single(dataDir));
    const replayed = again.eventsOf('log-replayed')[0]!;
    expect(replayed).toMatchObject({ records: 300, keys: 100, tornBytes: 0 });
    for (const [key, want] of acked) {
      const r = await get(port, key);
      expect(r.status, key).toBe(200);
      expect(r.json).toMatchObject({ value: want.value, version: want.version });
    }
  });

  it('a log whose last record was torn: the node starts, drops it and keeps every complete record', async () => {
    const port = await freePort();
    const node = await procs.start('node-1', port, single(dataDir));
    for (let i = 1; i <= 20; i++) expect((await put(port, `k${i}`, `v${i}`)).status).toBe(200);
    await node.killHard();
    const file = path.join(dataDir, readdirSync(dataDir).find((f) => f.endsWith('.wal'))!);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(20);
    truncateSync(file, statSync(file).size - Math.floor(lines[19]!.length / 2)); // half of the last record is gone

    const again = await procs.start('node-1', port, single(dataDir));
    const replayed = again.eventsOf('log-replayed')[0]!;
    expect(replayed).toMatchObject({ records: 19, keys: 19, rewritten: true });
    expect(replayed.tornBytes).toBeGreaterThan(0);
    for (let i = 1; i <= 19; i++) expect((await get(port, `k${i}`)).json).toMatchObject({ value: `v${i}` });
    expect((await get(port, 'k20')).status).toBe(404);
    // And it goes on appending cleanly.
    expect((await put(port, 'k20', 'again')).status).toBe(200);
    await again.killHard();
    const third = await procs.start('node-1', port, single(dataDir));
    expect(third.eventsOf('log-replayed')[0]).toMatchObject({ records: 20, tornBytes: 0, corruptRecords: 0 });
  });

  it('a durable 3-node cluster (strict, sync) keeps acknowledged writes when every node is killed at once', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const ids = ['node-1', 'node-2', 'node-3'];
    const args = (i: number) => [
      ...FAST,
      '--quorum', 'strict', '--read-repair', 'sync', '--data-dir', path.join(dataDir, ids[i]!),
      ...ids.flatMap((id, j) => (j === i ? [] : ['--peer', `${id}=127.0.0.1:${ports[j]}`])),
    ];
    const start = () => Promise.all(ids.map((id, i) => procs.start(id, ports[i]!, args(i))));
    let nodes = await start();
    const acked = new Map<string, number>(); // key → highest version a put of it was acknowledged with
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const key = `k${i % 20}`;
        const r = await put(ports[i % 3]!, key, `v${i}`);
        expect(r.status).toBe(200);
        acked.set(key, Math.max(acked.get(key) ?? 0, r.json.version));
      }),
    );
    await Promise.all(nodes.map((n) => n.killHard()));
    nodes = await start();
    await waitFor(async () => (await status(ports[0]!)).members.every((m) => m.state === 'alive'), 5000, 'the cluster to see itself again');
    let i = 0;
    for (const [key, version] of acked) {
      const r = await get(ports[i++ % 3]!, key);
      expect(r.status, key).toBe(200);
      expect(r.json.version, key).toBeGreaterThanOrEqual(version);
    }
  });

  it('a corrupt record: the node starts, names the key whose newest record was dropped, and keeps the bytes aside', async () => {
    const port = await freePort();
    const node = await procs.start('node-1', port, single(dataDir));
    for (const [k, v] of [['a', '1'], ['b', '1'], ['a', '2'], ['c', '1']]) expect((await put(port, k!, v!)).status).toBe(200);
    await node.killHard();
    const file = path.join(dataDir, 'node-1.wal');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines[2] = lines[2]!.replace('"v":"2"', '"v":"X"'); // a's newest record, damaged
    writeFileSync(file, lines.join('\n'));

    const again = await procs.start('node-1', port, single(dataDir));
    const replayed = again.eventsOf('log-replayed')[0]!;
    expect(replayed).toMatchObject({ records: 3, corruptRecords: 1, tornBytes: 0, rewritten: true, newestDroppedKeys: ['a'], newestDroppedKeyCount: 1, droppedWithoutKey: 0 });
    const kept = replayed.discarded as { file: string; bytes: number; ranges: number[][] };
    const from = Buffer.byteLength(lines.slice(0, 2).join('\n') + '\n');
    expect(kept.ranges).toEqual([[from, from + Buffer.byteLength(lines[2]!) + 1]]);
    expect(readFileSync(kept.file, 'utf8')).toBe(lines[2] + '\n');
    expect((await get(port, 'a')).json).toMatchObject({ value: '1', version: 1 });
  });

  it('a log of which nothing can be read stops the node: one line, exit 2, the file untouched', async () => {
    const file = path.join(dataDir, 'node-1.wal');
    const garbage = 'not a log line\n'.repeat(100);
    writeFileSync(file, garbage);
    const args = ['--id', 'node-1', '--addr', `127.0.0.1:${await freePort()}`, ...single(dataDir)];
    const r = spawnSync(process.execPath, [MAIN_JS, ...args], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `godist node: the log ${file} holds no record that can be read (1500 bytes: 100 damaged lines, 0 bytes after the last one); starting from it would forget every write it acknowledged. Restore it, or start with --start-empty-if-log-unreadable to move it aside and start empty\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('--start-empty-if-log-unreadable moves such a log aside whole and starts empty', async () => {
    const file = path.join(dataDir, 'node-1.wal');
    writeFileSync(file, 'not a log line\n'.repeat(100));
    const port = await freePort();
    const node = await procs.start('node-1', port, [...single(dataDir), '--start-empty-if-log-unreadable']);
    const replayed = node.eventsOf('log-replayed')[0]!;
    expect(replayed).toMatchObject({ records: 0, keys: 0, rewritten: true, movedAside: expect.stringMatching(/node-1\.wal\.unreadable-/) });
    expect(readFileSync(replayed.movedAside as string, 'utf8')).toBe('not a log line\n'.repeat(100));
    expect((await put(port, 'k', 'v')).status).toBe(200);
  });
});
