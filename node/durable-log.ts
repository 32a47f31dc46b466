/**
 * Append-only log of replica writes, for `--data-dir`.
 *
 * - A write is appended and fsynced (fdatasync) before `append` resolves, so a node acknowledges only
 *   what survives SIGKILL. Writes that arrive while an fsync is in flight wait and share the next one
 *   (group commit).
 * - Each line is `<crc32 hex> <json>\n` (log-record.ts). At start the log is replayed (log-replay.ts).
 *   Whatever cannot be read (a torn last record, lines whose checksum does not match) is first copied,
 *   byte for byte, to `<log>.discarded-<time>` and only then cut from the log: a torn tail by
 *   truncating the file, corrupt lines by rewriting it as a snapshot. A log of which nothing can be
 *   read is refused (UnreadableLog) unless the caller says to start empty: then it is moved aside
 *   whole, to `<log>.unreadable-<time>`.
 * - Once the file passes `compactAfterBytes` (and twice its last compacted size), it is rewritten as a
 *   snapshot, one record per key, into a temporary file that is fsynced and renamed over the log. A
 *   compaction that finds no room is skipped (the log stays whole and keeps growing).
 * - A failed append (a full disk, an I/O error) rejects that batch and leaves the log as it was before
 *   it (the partial batch is truncated away before anything else is written). The log reports itself
 *   failing (`health`), retries with every new batch and, while idle, every `retryMs` by writing a
 *   probe file; it recovers by itself once writes succeed again.
 *
 * Records become visible (`apply`) only once durable, in log order, so a compaction snapshot always
 * holds every record already acknowledged.
 */
import { open, rename, rm, mkdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeRecord, type LogRecord } from './log-record.js';
import { damagedBytes, isUnreadable, scanLog, type DamagedRange } from './log-replay.js';

export { decodeRecord, encodeRecord, type LogRecord } from './log-record.js';

export interface ReplayResult {
  /** Complete, valid records read back. */
  records: number;
  /** Bytes of an incomplete last record, dropped. */
  tornBytes: number;
  /** Complete lines whose checksum or shape was wrong, dropped. */
  corruptRecords: number;
  /** Size of the log as found. */
  bytes: number;
  /** Was the file changed at start (damage cut out, or compacted)? */
  rewritten: boolean;
  /** Where the damaged bytes were kept, with their ranges in the log as found. */
  discarded?: { file: string; bytes: number; ranges: DamagedRange[] };
  /** Keys whose newest record was among the dropped ones (as far as the damaged bytes say). */
  newestDroppedKeys: string[];
  /** Dropped lines whose key could not be read. */
  droppedWithoutKey: number;
  /** Why the start-up rewrite was skipped or cut short (no room), when it was. */
  rewriteSkipped?: string;
  /** Where an unreadable log was moved, when the node started empty instead. */
  movedAside?: string;
}

export interface CompactionResult {
  bytesBefore: number;
  bytesAfter: number;
  records: number;
  ms: number;
}

/** The log's state for /health. */
export type LogHealth =
  | { state: 'ok' }
  | { state: 'failing'; since: number; error: string; failedBatches: number; retryMs: number };

/** The file operations the log's appends go through; tests give failing ones. */
export interface LogIo {
  /** Write all of `buf` at the end of the log. */
  append(fh: FileHandle, buf: Buffer): Promise<void>;
  sync(fh: FileHandle): Promise<void>;
  /** Create `file` holding `buf`, fsynced (snapshots, kept-aside bytes, probes). */
  writeFile(file: string, buf: Buffer): Promise<void>;
}

export interface DurableLogOptions {
  /** Called for every record, in log order, once it is durable (and for every record replayed). */
  apply(record: LogRecord): void;
  /** Every record the replica holds, for a snapshot. Must reflect every record already applied. */
  snapshot(): Iterable<LogRecord>;
  compactAfterBytes: number;
  /** Told after each compaction, for the event log. */
  onCompacted?(result: CompactionResult): void;
  /** Told when a compaction failed (the log stays whole and keeps growing; the next one retries later). */
  onCompactionFailed?(error: Error): void;
  /** Told when appends start failing, and when they work again. */
  onAppendsFailing?(e: { error: string }): void;
  onAppendsRecovered?(e: { failedForMs: number; failedBatches: number; by: 'append' | 'probe' }): void;
  /** A log of which nothing can be read: move it aside and start empty, instead of refusing to open. */
  startEmptyIfUnreadable?: boolean;
  /** How often a failing log tries again while no append comes (default 1000 ms). */
  retryMs?: number;
  /** Bytes a probe writes before the log calls itself healthy again (default 64 KiB). */
  probeBytes?: number;
  io?: Partial<LogIo>;
  clock?: () => number;
}

/** The log holds no record that can be read: starting from it would be starting empty. */
export class UnreadableLog extends Error {
  override name = 'UnreadableLog';
}

/** The log cannot be opened as it is (e.g. no room to keep its damaged bytes aside). */
export class LogOpenFailed extends Error {
  override name = 'LogOpenFailed';
}

/** An append that did not reach the disk; nothing of it was acknowledged. */
export class AppendFailed extends Error {
  override name = 'AppendFailed';
}

interface Pending {
  line: string;
  record: LogRecord;
  resolve(): void;
  reject(e: Error): void;
}

const defaultIo: LogIo = {
  async append(fh, buf) {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
  },
  sync: (fh) => fh.datasync(),
  async writeFile(file, buf) {
    const h = await open(file, 'w');
    try {
      await defaultIo.append(h, buf);
      await h.datasync();
    } finally {
      await h.close();
    }
  },
};

export class DurableLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Set while appends fail; cleared by the first that succeeds. */
  private failing: { since: number; error: string; failedBatches: number } | undefined;
  /** The file may end in a partial batch: cut it back to `size` before writing anything. */
  private mustTruncate = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly io: LogIo;
  private readonly clock: () => number;
  /** Counters, for tests and benchmarks: fsyncs of appended batches, and records appended. */
  readonly stats = { batches: 0, records: 0, compactions: 0 };

  private constructor(
    readonly file: string,
    private fh: FileHandle,
    private size: number,
    private lastSnapshotBytes: number,
    private readonly opts: DurableLogOptions,
  ) {
    this.io = { ...defaultIo, ...opts.io };
    this.clock = opts.clock ?? Date.now;
  }

  /** Open (creating if needed) the log at `file`, replaying it into `opts.apply`. */
  static async open(file: string, opts: DurableLogOptions): Promise<{ log: DurableLog; replay: ReplayResult }> {
    const io = { ...defaultIo, ...opts.io };
    const stamp = new Date((opts.clock ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    await mkdir(path.dirname(file), { recursive: true });
    // What a compaction or a probe that never finished left behind: the log itself is intact.
    await rm(`${file}.compact`, { force: true });
    await rm(`${file}.probe`, { force: true });
    let buf: Buffer;
    let existed = true;
    try {
      buf = await readFile(file);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      buf = Buffer.alloc(0);
      existed = false;
    }

    // An unreadable log yields no record, so nothing reaches `apply` before it is refused.
    const scan = scanLog(buf, opts.apply);
    const replay: ReplayResult = {
      records: scan.records,
      tornBytes: scan.tornBytes,
      corruptRecords: scan.corruptRecords,
      bytes: scan.bytes,
      rewritten: false,
      newestDroppedKeys: scan.newestDroppedKeys,
      droppedWithoutKey: scan.droppedWithoutKey,
    };

    if (isUnreadable(scan)) {
      const aside = `${file}.unreadable-${stamp}`;
      if (!opts.startEmptyIfUnreadable) {
        throw new UnreadableLog(
          `the log ${file} holds no record that can be read (${buf.length} bytes: ${scan.corruptRecords} damaged lines, ${scan.tornBytes} bytes after the last one); starting from it would forget every write it acknowledged`,
        );
      }
      await rename(file, aside); // no room needed: the whole file is kept as it was
      await syncDir(path.dirname(file));
      replay.movedAside = aside;
      replay.rewritten = true;
      buf = Buffer.alloc(0);
      existed = false;
    }

    const fh = await open(file, 'a');
    if (!existed) await syncDir(path.dirname(file));
    const log = new DurableLog(file, fh, buf.length, 0, opts);
    try {
      if (!replay.movedAside && scan.damage.length > 0) {
        // Keep what is about to be cut out before touching the log.
        const aside = `${file}.discarded-${stamp}`;
        const kept = damagedBytes(buf, scan.damage);
        try {
          await io.writeFile(aside, kept);
          await syncDir(path.dirname(file));
        } catch (e) {
          await rm(aside, { force: true }).catch(() => {});
          throw new LogOpenFailed(
            `cannot keep the ${kept.length} damaged bytes of ${file} aside before repairing it (${describeError(e)}); free some space on its disk and start again`,
          );
        }
        replay.discarded = { file: aside, bytes: kept.length, ranges: scan.damage };
        replay.rewritten = true;
        if (scan.corruptRecords > 0) {
          try {
            await log.compact();
          } catch (e) {
            // No room for a clean copy: cut the torn tail (needs no room) and leave the corrupt lines,
            // which every replay skips, in place.
            await rm(`${file}.compact`, { force: true }).catch(() => {});
            replay.rewriteSkipped = `the corrupt lines stay in the log (no room to rewrite it: ${describeError(e)})`;
            if (scan.tornBytes > 0) await log.cutTo(buf.length - scan.tornBytes);
          }
        } else {
          await log.cutTo(buf.length - scan.tornBytes);
        }
      } else if (buf.length > opts.compactAfterBytes) {
        try {
          await log.compact();
          replay.rewritten = true;
        } catch (e) {
          await rm(`${file}.compact`, { force: true }).catch(() => {});
          log.lastSnapshotBytes = log.size;
          replay.rewriteSkipped = `compaction skipped (no room for a second copy: ${describeError(e)}); the log stays whole`;
        }
      }
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
    return { log, replay };
  }

  /** Is the log taking appends? */
  get health(): LogHealth {
    const f = this.failing;
    return f ? { state: 'failing', since: f.since, error: f.error, failedBatches: f.failedBatches, retryMs: this.retryMs } : { state: 'ok' };
  }

  private get retryMs(): number {
    return this.opts.retryMs ?? 1000;
  }

  /** Resolves once the record is on disk (fsynced) and applied. */
  append(record: LogRecord): Promise<void> {
    if (this.closed) return Promise.reject(new AppendFailed('durable log is closed'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: encodeRecord(record), record, resolve, reject });
      // Start flushing at the end of this turn of the event loop, so that writes arriving together
      // (a batch from a coordinator, several client requests read at once) share the first fsync too.
      if (!this.flushing) this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flushLoop());
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const buf = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
        try {
          if (this.mustTruncate) await this.cutTo(this.size);
          await this.io.append(this.fh, buf);
          await this.io.sync(this.fh);
        } catch (e) {
          // Nothing of this batch is acknowledged, and nothing is written after it until the file is
          // cut back to where it ended before: now if that works, else by the next batch or retry.
          this.mustTruncate = true;
          const err = this.fail(e);
          for (const p of batch) p.reject(err);
          await this.cutTo(this.size).catch(() => {});
          continue;
        }
        this.size += buf.length;
        this.stats.batches++;
        this.stats.records += batch.length;
        this.recovered('append');
        for (const p of batch) this.opts.apply(p.record);
        for (const p of batch) p.resolve();
        if (this.size > this.opts.compactAfterBytes && this.size > 2 * this.lastSnapshotBytes) {
          try {
            await this.compact();
          } catch (e) {
            // The old log is still whole (the snapshot is renamed over it only once complete): go on appending.
            await rm(`${this.file}.compact`, { force: true }).catch(() => {});
            this.lastSnapshotBytes = this.size;
            this.opts.onCompactionFailed?.(e as Error);
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private fail(e: unknown): AppendFailed {
    const error = describeError(e);
    if (!this.failing) {
      this.failing = { since: this.clock(), error, failedBatches: 0 };
      this.opts.onAppendsFailing?.({ error });
      this.retryTimer = setInterval(() => this.probe(), this.retryMs);
      this.retryTimer.unref();
    }
    this.failing.failedBatches++;
    this.failing.error = error;
    return new AppendFailed(`durable log ${this.file} cannot take writes: ${error}`);
  }

  private recovered(by: 'append' | 'probe'): void {
    const f = this.failing;
    if (!f) return;
    this.failing = undefined;
    clearInterval(this.retryTimer);
    this.opts.onAppendsRecovered?.({ failedForMs: this.clock() - f.since, failedBatches: f.failedBatches, by });
  }

  /**
   * While idle and failing: is there room again? Cut the log back to its last good end and write a
   * probe file of `probeBytes`; if both work, appends are expected to work too.
   */
  private probe(): void {
    if (this.flushing || !this.failing || this.closed) return;
    const probeFile = `${this.file}.probe`;
    this.flushing = (async () => {
      try {
        if (this.mustTruncate) await this.cutTo(this.size);
        await this.io.writeFile(probeFile, Buffer.alloc(this.opts.probeBytes ?? 64 * 1024, 0x0a));
        // Healthy only once the probe is gone again: its room belongs to the log.
        await unlink(probeFile).catch(() => {});
        this.recovered('probe');
      } catch (e) {
        if (this.failing) this.failing.error = describeError(e);
      } finally {
        await unlink(probeFile).catch(() => {});
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.flushing = this.flushLoop();
    });
  }

  /** Cut the file back to `bytes` (needs no room on the disk). */
  private async cutTo(bytes: number): Promise<void> {
    await this.fh.truncate(bytes);
    await this.io.sync(this.fh);
    this.size = bytes;
    this.mustTruncate = false;
  }

  /** Rewrite the log as one record per key. Called only when no batch is being written. */
  private async compact(): Promise<void> {
    const t0 = Date.now();
    const lines: string[] = [];
    for (const r of this.opts.snapshot()) lines.push(encodeRecord(r));
    const buf = Buffer.from(lines.join(''), 'utf8');
    const tmp = `${this.file}.compact`;
    await this.io.writeFile(tmp, buf);
    await rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
    const old = this.fh;
    this.fh = await open(this.file, 'a');
    await old.close();
    const bytesBefore = this.size;
    this.size = buf.length;
    this.lastSnapshotBytes = buf.length;
    this.mustTruncate = false;
    this.stats.compactions++;
    this.opts.onCompacted?.({ bytesBefore, bytesAfter: buf.length, records: lines.length, ms: Date.now() - t0 });
  }

  /** Finish every pending write, then close the file. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retryTimer);
    while (this.flushing) await this.flushing;
    await this.fh.close();
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(`${err.code}: `, '')}` : String(err?.message ?? e);
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
