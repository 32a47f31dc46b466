/**
 * Append-only log of replica writes, for `--data-dir`.
 *
 * - A write is appended and fsynced (fdatasync) before `append` resolves, so a node acknowledges only
 *   what survives SIGKILL. Writes that arrive while an fsync is in flight wait and share the next one
 *   (group commit).
 * - Each line is `<crc32 hex> <json>\n`. At start the log is replayed; a torn last record (a crash in
 *   the middle of a write) or a record whose checksum does not match is dropped and counted, and the
 *   file is rewritten without it so later appends start on a clean line.
 * - Once the file passes `compactAfterBytes` (and twice its last compacted size), it is rewritten as a
 *   snapshot, one record per key, into a temporary file that is fsynced and renamed over the log.
 *
 * Records become visible (`apply`) only once durable, in log order, so a compaction snapshot always
 * holds every record already acknowledged.
 */
import { open, rename, rm, mkdir, readFile, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import path from 'node:path';

export interface LogRecord {
  key: string;
  value: string;
  version: number;
  writer: string;
}

export interface ReplayResult {
  /** Complete, valid records read back. */
  records: number;
  /** Bytes of an incomplete last record, dropped. */
  tornBytes: number;
  /** Complete lines whose checksum or shape was wrong, dropped. */
  corruptRecords: number;
  /** Size of the log as found. */
  bytes: number;
  /** Was the file rewritten at start (to drop bad bytes, or because it was due for compaction)? */
  rewritten: boolean;
}

export interface CompactionResult {
  bytesBefore: number;
  bytesAfter: number;
  records: number;
  ms: number;
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
}

interface Pending {
  line: string;
  record: LogRecord;
  resolve(): void;
  reject(e: Error): void;
}

export function encodeRecord(r: LogRecord): string {
  const json = JSON.stringify({ k: r.key, v: r.value, n: r.version, w: r.writer });
  const crc = crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0');
  return `${crc} ${json}\n`;
}

/** Parse one line (without its newline); undefined when it is not a valid record. */
export function decodeRecord(line: string): LogRecord | undefined {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0') !== line.slice(0, 8)) return undefined;
  try {
    const o = JSON.parse(json) as { k?: unknown; v?: unknown; n?: unknown; w?: unknown };
    if (typeof o.k !== 'string' || typeof o.v !== 'string' || typeof o.w !== 'string' || typeof o.n !== 'number' || !Number.isInteger(o.n)) return undefined;
    return { key: o.k, value: o.v, version: o.n, writer: o.w };
  } catch {
    return undefined;
  }
}

export class DurableLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  /** Counters, for tests and benchmarks: fsyncs of appended batches, and records appended. */
  readonly stats = { batches: 0, records: 0, compactions: 0 };

  private constructor(
    readonly file: string,
    private fh: FileHandle,
    private size: number,
    private lastSnapshotBytes: number,
    private readonly opts: DurableLogOptions,
  ) {}

  /** Open (creating if needed) the log at `file`, replaying it into `opts.apply`. */
  static async open(file: string, opts: DurableLogOptions): Promise<{ log: DurableLog; replay: ReplayResult }> {
    await mkdir(path.dirname(file), { recursive: true });
    await rm(`${file}.compact`, { force: true }); // a compaction that never finished: the log is intact
    let buf: Buffer;
    let existed = true;
    try {
      buf = await readFile(file);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      buf = Buffer.alloc(0);
      existed = false;
    }
    const replay: ReplayResult = { records: 0, tornBytes: 0, corruptRecords: 0, bytes: buf.length, rewritten: false };
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1) {
        replay.tornBytes = buf.length - start;
        break;
      }
      const rec = decodeRecord(buf.toString('utf8', start, nl));
      if (rec) {
        opts.apply(rec);
        replay.records++;
      } else replay.corruptRecords++;
      start = nl + 1;
    }
    const fh = await open(file, 'a');
    if (!existed) await syncDir(path.dirname(file));
    const log = new DurableLog(file, fh, buf.length, 0, opts);
    if (replay.tornBytes > 0 || replay.corruptRecords > 0 || buf.length > opts.compactAfterBytes) {
      await log.compact();
      replay.rewritten = true;
    }
    return { log, replay };
  }

  /** Resolves once the record is on disk (fsynced) and applied. */
  append(record: LogRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('durable log is closed'));
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
        try {
          const buf = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
          await writeAll(this.fh, buf);
          await this.fh.datasync();
          this.size += buf.length;
          this.stats.batches++;
          this.stats.records += batch.length;
        } catch (e) {
          // The file may now end in a partial batch; refuse further writes rather than ack on top of it.
          this.failure = new Error(`durable log ${this.file} failed: ${(e as Error).message}`);
          for (const p of [...batch, ...this.pending]) p.reject(this.failure);
          this.pending = [];
          return;
        }
        for (const p of batch) this.opts.apply(p.record);
        for (const p of batch) p.resolve();
        if (this.size > this.opts.compactAfterBytes && this.size > 2 * this.lastSnapshotBytes) {
          try {
            await this.compact();
          } catch (e) {
            // The old log is still whole (the snapshot is renamed over it only once complete): go on appending.
            this.lastSnapshotBytes = this.size;
            this.opts.onCompactionFailed?.(e as Error);
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Rewrite the log as one record per key. Called only when no batch is being written. */
  private async compact(): Promise<void> {
    const t0 = Date.now();
    const lines: string[] = [];
    for (const r of this.opts.snapshot()) lines.push(encodeRecord(r));
    const buf = Buffer.from(lines.join(''), 'utf8');
    const tmp = `${this.file}.compact`;
    const h = await open(tmp, 'w');
    try {
      await writeAll(h, buf);
      await h.datasync();
    } finally {
      await h.close();
    }
    await rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
    const old = this.fh;
    this.fh = await open(this.file, 'a');
    await old.close();
    const bytesBefore = this.size;
    this.size = buf.length;
    this.lastSnapshotBytes = buf.length;
    this.stats.compactions++;
    this.opts.onCompacted?.({ bytesBefore, bytesAfter: buf.length, records: lines.length, ms: Date.now() - t0 });
  }

  /** Finish every pending write, then close the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fh.close();
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
