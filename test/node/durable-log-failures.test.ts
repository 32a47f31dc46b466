/**
 * The durable log when the disk fails it: a full disk (a writer injected to fail as a full disk
 * does: part of the bytes, then ENOSPC), no room at start-up, and damaged logs (torn, corrupt,
 * garbage). The same cases on a real 1 MiB tmpfs are in full-disk.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FileHandle } from 'node:fs/promises';
import { AppendFailed, DurableLog, LogOpenFailed, UnreadableLog, encodeRecord, type DurableLogOptions, type LogIo, type LogRecord } from '../../node/durable-log.js';
import { scanLog } from '../../node/log-replay.js';
import { Store } from '../../node/store.js';
import { waitFor } from './processes.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'godist-logfail-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const rec = (key: string, version: number, value = `v${version}`): LogRecord => ({ key, value, version, writer: 'node-1' });
const enoSpc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A disk that can be made full: appends then write half their bytes and fail, new files fail. */
function fillableDisk() {
  const disk = { full: false, failedAppends: 0 };
  const io: Partial<LogIo> = {
    async append(fh: FileHandle, buf: Buffer) {
      if (disk.full) {
        disk.failedAppends++;
        await fh.write(buf, 0, Math.floor(buf.length / 2)); // a partial batch reaches the file
        throw enoSpc();
      }
      await fh.write(buf, 0, buf.length);
    },
    async writeFile(file: string, buf: Buffer) {
      if (disk.full) throw enoSpc();
      writeFileSync(file, buf);
    },
  };
  return { disk, io };
}

async function openInto(file: string, extra: Partial<DurableLogOptions> = {}) {
  const store = new Store();
  const events: { event: string; [k: string]: unknown }[] = [];
  const opened = await DurableLog.open(file, {
    apply: (r) => store.apply(r.key, r),
    snapshot: function* () {
      for (const [key, v] of store.entries()) yield { key, ...v };
    },
    compactAfterBytes: 1 << 30,
    onAppendsFailing: (e) => events.push({ event: 'failing', ...e }),
    onAppendsRecovered: (e) => events.push({ event: 'recovered', ...e }),
    ...extra,
  });
  return { store, events, ...opened };
}

describe('a disk that fills', () => {
  it('a failed append is not acknowledged, leaves no trace in the file, and the log recovers by itself when room returns', async () => {
    const file = path.join(dir, 'f.wal');
    const { disk, io } = fillableDisk();
    const a = await openInto(file, { io, retryMs: 60_000 });
    for (let i = 1; i <= 5; i++) await a.log.append(rec(`k${i}`, 1));
    expect(a.log.health).toEqual({ state: 'ok' });

    disk.full = true;
    const refused = await Promise.allSettled([a.log.append(rec('k1', 2)), a.log.append(rec('k9', 1))]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(AppendFailed);
    expect((refused[0] as PromiseRejectedResult).reason.message).toMatch(/cannot take writes: ENOSPC: no space left on device/);
    await expect(a.log.append(rec('k2', 2))).rejects.toThrow(AppendFailed);
    expect(a.log.health).toMatchObject({ state: 'failing', error: 'ENOSPC: no space left on device, write', failedBatches: 2 });
    expect(a.events.filter((e) => e.event === 'failing')).toHaveLength(1); // said once, not per batch
    expect(a.store.get('k1')?.version).toBe(1); // nothing refused became visible

    disk.full = false;
    await a.log.append(rec('k1', 3));
    expect(a.log.health).toEqual({ state: 'ok' });
    expect(a.events.filter((e) => e.event === 'recovered')).toMatchObject([{ failedBatches: 2, by: 'append' }]);
    await a.log.close();

    // The half-written batches were cut away before the next write: the log is exactly what was acknowledged.
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 6, tornBytes: 0, corruptRecords: 0, rewritten: false });
    expect(b.store.get('k1')).toMatchObject({ version: 3 });
    expect(b.store.get('k9')).toBeUndefined();
    await b.log.close();
  });

  it('an idle failing log finds out by itself that room has returned (probe)', async () => {
    const file = path.join(dir, 'p.wal');
    const { disk, io } = fillableDisk();
    const a = await openInto(file, { io, retryMs: 10 });
    await a.log.append(rec('k', 1));
    disk.full = true;
    await expect(a.log.append(rec('k', 2))).rejects.toThrow(AppendFailed);
    await new Promise((r) => setTimeout(r, 50));
    expect(a.log.health.state).toBe('failing'); // probes fail while the disk is full
    disk.full = false;
    await waitFor(() => a.log.health.state === 'ok', 5000, 'the probe to see room again');
    expect(a.events.at(-1)).toMatchObject({ event: 'recovered', by: 'probe', failedBatches: 1 });
    expect(existsSync(`${file}.probe`)).toBe(false);
    await a.log.append(rec('k', 3));
    await a.log.close();
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 2, tornBytes: 0, corruptRecords: 0 });
    await b.log.close();
  });

  it('a start-up compaction with no room for a second copy is skipped; the log opens whole', async () => {
    const file = path.join(dir, 'c.wal');
    const a = await openInto(file);
    for (let i = 1; i <= 200; i++) await a.log.append(rec(`k${i % 7}`, i));
    await a.log.close();
    const before = readFileSync(file);
    const { disk, io } = fillableDisk();
    disk.full = true;
    const b = await openInto(file, { io, compactAfterBytes: 1024 });
    expect(b.replay).toMatchObject({ records: 200, rewritten: false, rewriteSkipped: expect.stringMatching(/^compaction skipped \(no room for a second copy: ENOSPC/) });
    expect(b.store.size).toBe(7);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['c.wal']);
    await b.log.close();
  });
});

describe('a damaged log', () => {
  async function writeLog(file: string, records: LogRecord[]): Promise<void> {
    const a = await openInto(file);
    for (const r of records) await a.log.append(r);
    await a.log.close();
  }

  it('a torn tail is copied aside, byte for byte, before the log is cut; the key it held is named', async () => {
    const file = path.join(dir, 't.wal');
    await writeLog(file, Array.from({ length: 10 }, (_, i) => rec(`k${i + 1}`, 1)));
    const whole = readFileSync(file);
    truncateSync(file, whole.length - 9);
    const torn = whole.subarray(whole.length - encodeRecord(rec('k10', 1)).length, whole.length - 9);
    const b = await openInto(file, { clock: () => Date.UTC(2030, 0, 2, 3, 4, 5) });
    expect(b.replay).toMatchObject({ records: 9, tornBytes: torn.length, corruptRecords: 0, rewritten: true, newestDroppedKeys: ['k10'], droppedWithoutKey: 0 });
    const kept = b.replay.discarded!;
    expect(kept.file).toBe(`${file}.discarded-2030-01-02T03-04-05-000Z`);
    expect(kept.ranges).toEqual([{ from: whole.length - 9 - torn.length, to: whole.length - 9, kind: 'torn' }]);
    expect(readFileSync(kept.file).equals(torn)).toBe(true);
    expect(statSync(file).size).toBe(whole.length - 9 - torn.length);
    await b.log.close();
  });

  it('corrupt lines are kept aside by range and the log rewritten; only keys whose newest record was lost are named', async () => {
    const file = path.join(dir, 'c.wal');
    const flip = (line: string) => line.replace('"v":"', '"v":"#'); // the JSON still parses, the checksum no longer matches
    const lines = [
      encodeRecord(rec('a', 1)),
      encodeRecord(rec('b', 1)),
      flip(encodeRecord(rec('b', 2))), // b's newest: lost
      encodeRecord(rec('c', 2)),
      flip(encodeRecord(rec('c', 1))), // older than c's valid record: nothing lost
      'garbage that names no key\n',
      encodeRecord(rec('d', 1)).slice(0, 30) + '\x00\x00\n', // key readable, version not, no later valid d
    ];
    writeFileSync(file, lines.join(''));
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 3, corruptRecords: 4, tornBytes: 0, rewritten: true, droppedWithoutKey: 1 });
    expect([...b.replay.newestDroppedKeys].sort()).toEqual(['b', 'd']);
    const offsets = lines.map((_, i) => Buffer.byteLength(lines.slice(0, i).join('')));
    expect(b.replay.discarded!.ranges.map((r) => r.from)).toEqual([offsets[2], offsets[4], offsets[5], offsets[6]]);
    expect(readFileSync(b.replay.discarded!.file, 'utf8')).toBe(lines[2]! + lines[4]! + lines[5]! + lines[6]!);
    await b.log.close();
    const c = await openInto(file);
    expect(c.replay).toMatchObject({ records: 3, corruptRecords: 0, tornBytes: 0, rewritten: false });
    expect(c.replay.discarded).toBeUndefined();
    await c.log.close();
  });

  it('with no room to keep the damaged bytes aside, the log is not opened and not touched', async () => {
    const file = path.join(dir, 'n.wal');
    await writeLog(file, [rec('a', 1), rec('b', 1)]);
    truncateSync(file, statSync(file).size - 5);
    const before = readFileSync(file);
    const { disk, io } = fillableDisk();
    disk.full = true;
    const e = await openInto(file, { io }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LogOpenFailed);
    expect((e as Error).message).toMatch(/^cannot keep the \d+ damaged bytes of .*n\.wal aside before repairing it \(ENOSPC/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['n.wal']);
  });

  it('with room for the damaged bytes but not for a rewrite, corrupt lines stay in place and the torn tail is cut', async () => {
    const file = path.join(dir, 'r.wal');
    writeFileSync(file, encodeRecord(rec('a', 1)) + 'bad line\n' + encodeRecord(rec('b', 1)) + encodeRecord(rec('c', 1)).slice(0, 20));
    const io: Partial<LogIo> = {
      async writeFile(f: string, buf: Buffer) {
        if (f.endsWith('.compact')) throw enoSpc();
        writeFileSync(f, buf);
      },
    };
    const b = await openInto(file, { io });
    expect(b.replay).toMatchObject({ records: 2, corruptRecords: 1, tornBytes: 20, rewritten: true, rewriteSkipped: expect.stringMatching(/^the corrupt lines stay in the log \(no room to rewrite it: ENOSPC/) });
    expect(readFileSync(file, 'utf8')).toBe(encodeRecord(rec('a', 1)) + 'bad line\n' + encodeRecord(rec('b', 1)));
    await b.log.append(rec('c', 2));
    await b.log.close();
    const c = await openInto(file);
    expect(c.replay).toMatchObject({ records: 3, corruptRecords: 1, tornBytes: 0 });
    await c.log.close();
  });

  it('a log of garbage is refused, untouched; told to start empty, it is moved aside whole', async () => {
    const file = path.join(dir, 'g.wal');
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
    writeFileSync(file, garbage);
    const e = await openInto(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreadableLog);
    expect((e as Error).message).toMatch(/holds no record that can be read \(4096 bytes: \d+ damaged lines, \d+ bytes after the last one\); starting from it would forget every write it acknowledged$/);
    expect(readFileSync(file).equals(garbage)).toBe(true);

    const b = await openInto(file, { startEmptyIfUnreadable: true });
    expect(b.replay).toMatchObject({ records: 0, rewritten: true, movedAside: expect.stringMatching(/g\.wal\.unreadable-/) });
    expect(readFileSync(b.replay.movedAside!).equals(garbage)).toBe(true);
    expect(statSync(file).size).toBe(0);
    await b.log.append(rec('k', 1));
    await b.log.close();
  });

  it('a log holding only the start of one record (a crash during the first append) opens empty, the bytes kept', async () => {
    const file = path.join(dir, 's.wal');
    writeFileSync(file, encodeRecord(rec('first', 1)).slice(0, 25));
    const b = await openInto(file);
    expect(b.replay).toMatchObject({ records: 0, tornBytes: 25, newestDroppedKeys: ['first'] }); // never acknowledged, but named: it was that key's newest
    expect(readFileSync(b.replay.discarded!.file, 'utf8')).toBe(encodeRecord(rec('first', 1)).slice(0, 25));
    await b.log.close();
  });

  it('any damage to a log: every byte is either a record read back or a damaged range, and no record is invented (property)', () => {
    const good = Array.from({ length: 12 }, (_, i) => rec(`k${i % 4}`, i + 1, `value-${i}`));
    const text = Buffer.from(good.map(encodeRecord).join(''));
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(text.length - 1), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(text.length) }),
    );
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 4 }), (damages) => {
        let buf = Buffer.from(text);
        for (const d of damages) {
          if (d.kind === 'flip') buf[Math.min(d.at, buf.length - 1)] = d.byte;
          else buf = buf.subarray(0, Math.min(d.at, buf.length));
        }
        const applied: LogRecord[] = [];
        const scan = scanLog(buf, (r) => applied.push(r));
        const damaged = scan.damage.reduce((n, d) => n + d.to - d.from, 0);
        const read = applied.reduce((n, r) => n + Buffer.byteLength(encodeRecord(r)), 0);
        expect(damaged + read).toBe(buf.length);
        for (const r of applied) expect(good).toContainEqual(r);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});
