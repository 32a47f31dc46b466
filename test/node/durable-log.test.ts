import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, truncateSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DurableLog, decodeRecord, encodeRecord, type LogRecord } from '../../node/durable-log.js';
import { Replica } from '../../node/replica.js';
import { Store } from '../../node/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'godist-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openInto(file: string, compactAfterBytes = 1 << 30) {
  const store = new Store();
  const opened = await DurableLog.open(file, {
    apply: (r) => store.apply(r.key, r),
    snapshot: function* () {
      for (const [key, v] of store.entries()) yield { key, ...v };
    },
    compactAfterBytes,
  });
  return { store, ...opened };
}

const rec = (key: string, version: number, value = `v${version}`): LogRecord => ({ key, value, version, writer: 'node-1' });

describe('durable log', () => {
  it('encodes a record as one checksummed line and rejects a damaged one', () => {
    const line = encodeRecord(rec('alpha', 3, 'first\nline'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n'); // newlines inside values are escaped by JSON
    expect(decodeRecord(line.slice(0, -1))).toEqual(rec('alpha', 3, 'first\nline'));
    expect(decodeRecord(line.slice(0, -1).replace('first', 'fiRst'))).toBeUndefined();
    expect(decodeRecord(line.slice(0, 20))).toBeUndefined();
  });

  it('replays every appended record after reopening', async () => {
    const file = path.join(dir, 'a.wal');
    const a = await openInto(file);
    for (let i = 1; i <= 50; i++) await a.log.append(rec(`k${i % 10}`, i));
    await a.log.close();
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 50, tornBytes: 0, corruptRecords: 0, rewritten: false });
    for (let k = 0; k < 10; k++) expect(b.store.get(`k${k}`)?.version).toBe(40 + (k === 0 ? 10 : k));
    await b.log.close();
  });

  it('concurrent appends share fsyncs (group commit)', async () => {
    const file = path.join(dir, 'g.wal');
    const a = await openInto(file);
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.log.append(rec(`k${i}`, 1))));
    expect(a.log.stats.records).toBe(200);
    expect(a.log.stats.batches).toBeLessThan(20); // appends made in one turn wait for the flush that starts at its end
    expect(a.store.size).toBe(200);
    await a.log.close();
  });

  it('a record becomes visible only once it is on disk', async () => {
    const file = path.join(dir, 'v.wal');
    const a = await openInto(file);
    const p = a.log.append(rec('k', 1));
    expect(a.store.get('k')).toBeUndefined();
    await p;
    expect(a.store.get('k')?.version).toBe(1);
    await a.log.close();
  });

  it('drops a torn last record, keeps every complete one, and rewrites the file clean', async () => {
    const file = path.join(dir, 't.wal');
    const a = await openInto(file);
    for (let i = 1; i <= 20; i++) await a.log.append(rec(`k${i}`, i));
    await a.log.close();
    const size = statSync(file).size;
    truncateSync(file, size - 7); // cut the last record short, as a crash mid-write would
    const b = await openInto(file);
    expect(b.replay.records).toBe(19);
    expect(b.replay.tornBytes).toBeGreaterThan(0);
    expect(b.replay.rewritten).toBe(true);
    for (let i = 1; i <= 19; i++) expect(b.store.get(`k${i}`)?.version).toBe(i);
    expect(b.store.get('k20')).toBeUndefined();
    await b.log.append(rec('k20', 21));
    await b.log.close();
    const c = await openInto(file);
    expect(c.replay).toMatchObject({ records: 20, tornBytes: 0, corruptRecords: 0 });
    expect(c.store.get('k20')?.version).toBe(21);
    await c.log.close();
  });

  it('skips a corrupt record in the middle and keeps the rest', async () => {
    const file = path.join(dir, 'c.wal');
    writeFileSync(file, encodeRecord(rec('a', 1)) + 'deadbeef {"k":"b","v":"x","n":1,"w":"node-1"}\n' + encodeRecord(rec('c', 1)));
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 2, corruptRecords: 1, tornBytes: 0 });
    expect([...b.store.entries()].map(([k]) => k).sort()).toEqual(['a', 'c']);
    await b.log.close();
  });

  it('compacts to one record per key once it grows past the threshold, losing nothing', async () => {
    const file = path.join(dir, 'z.wal');
    const a = await openInto(file, 4096);
    for (let i = 1; i <= 600; i++) await a.log.append(rec(`k${i % 5}`, i));
    expect(a.log.stats.compactions).toBeGreaterThan(0);
    expect(statSync(file).size).toBeLessThan(3 * 4096);
    await a.log.close();
    expect(existsSync(`${file}.compact`)).toBe(false);
    const b = await openInto(file);
    for (let k = 0; k < 5; k++) expect(b.store.get(`k${k}`)?.version).toBe(595 + (k === 0 ? 5 : k));
    await b.log.close();
  });

  it('ignores a compaction that never finished (the old log is whole)', async () => {
    const file = path.join(dir, 'y.wal');
    const a = await openInto(file);
    await a.log.append(rec('k', 1));
    await a.log.close();
    writeFileSync(`${file}.compact`, 'partial garbage');
    const b = await openInto(file);
    expect(b.store.get('k')?.version).toBe(1);
    expect(existsSync(`${file}.compact`)).toBe(false);
    await b.log.close();
  });
});

describe('durable replica', () => {
  it('acknowledges an older write without logging it, and holds the newer record', async () => {
    const { replica, file } = await Replica.durable(dir, 'node-1', { compactAfterBytes: 1 << 30 });
    expect(await replica.write('k', { value: 'b', version: 2, writer: 'node-1' })).toMatchObject({ version: 2 });
    const before = readFileSync(file, 'utf8');
    expect(await replica.write('k', { value: 'a', version: 1, writer: 'node-3' })).toMatchObject({ version: 2, value: 'b' });
    expect(readFileSync(file, 'utf8')).toBe(before);
    await replica.close();
    appendFileSync(file, ''); // still a valid log
    const again = await Replica.durable(dir, 'node-1', { compactAfterBytes: 1 << 30 });
    expect(again.replica.read('k')).toMatchObject({ value: 'b', version: 2 });
    await again.replica.close();
  });
});
