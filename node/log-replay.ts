/**
 * Reading a durable log back at start-up. Pure: a buffer in, the records (handed to `apply` in log
 * order) and an account of what could not be read out.
 *
 * A complete line (ending in a newline) whose checksum or shape is wrong is a corrupt record; bytes
 * after the last newline are a torn tail (a crash in the middle of an append). Both are dropped from
 * the replica, and named here by byte range so that the caller can keep them aside. For each dropped
 * record whose key can still be read, the key is named when that record was the key's newest: its
 * version is above every valid record's for the key, or (version unreadable) no valid record of the
 * key follows it.
 */
import { decodeRecord, looksLikeTornRecord, salvageKey, type LogRecord } from './log-record.js';

export interface DamagedRange {
  /** Byte offsets in the log: [from, to). */
  from: number;
  to: number;
  kind: 'corrupt' | 'torn';
}

export interface LogScan {
  /** Size of the log as found. */
  bytes: number;
  /** Valid records read (and applied). */
  records: number;
  /** Complete lines that are not valid records. */
  corruptRecords: number;
  /** Bytes after the last newline. */
  tornBytes: number;
  /** Could the torn tail be a record cut short, rather than garbage? */
  tornLooksLikeRecord: boolean;
  damage: DamagedRange[];
  /** Keys whose newest record in the log was dropped (as far as the damaged bytes still say). */
  newestDroppedKeys: string[];
  /** Dropped lines whose key cannot be read. */
  droppedWithoutKey: number;
}

export function scanLog(buf: Buffer, apply: (r: LogRecord) => void): LogScan {
  const scan: LogScan = { bytes: buf.length, records: 0, corruptRecords: 0, tornBytes: 0, tornLooksLikeRecord: true, damage: [], newestDroppedKeys: [], droppedWithoutKey: 0 };
  for (const line of lines(buf)) {
    if (line.record) {
      apply(line.record);
      scan.records++;
    } else if (line.torn) {
      scan.tornBytes = line.to - line.from;
      scan.tornLooksLikeRecord = looksLikeTornRecord(buf.toString('utf8', line.from, Math.min(line.to, line.from + 32)));
      scan.damage.push({ from: line.from, to: line.to, kind: 'torn' });
    } else {
      scan.corruptRecords++;
      scan.damage.push({ from: line.from, to: line.to, kind: 'corrupt' });
    }
  }
  if (scan.damage.length > 0) nameDroppedKeys(buf, scan);
  return scan;
}

/** A log that yields no record while holding more than one record cut short: nothing of it can be trusted. */
export function isUnreadable(scan: LogScan): boolean {
  return scan.records === 0 && (scan.corruptRecords > 0 || (scan.tornBytes > 0 && !scan.tornLooksLikeRecord));
}

/** The damaged bytes, in log order, as they were. */
export function damagedBytes(buf: Buffer, damage: readonly DamagedRange[]): Buffer {
  return Buffer.concat(damage.map((d) => buf.subarray(d.from, d.to)));
}

interface Line {
  from: number;
  /** End of the line, newline included (for a torn tail: the end of the buffer). */
  to: number;
  record: LogRecord | undefined;
  torn: boolean;
}

function* lines(buf: Buffer): Generator<Line> {
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) {
      yield { from: start, to: buf.length, record: undefined, torn: true };
      return;
    }
    yield { from: start, to: nl + 1, record: decodeRecord(buf.toString('utf8', start, nl)), torn: false };
    start = nl + 1;
  }
}

function nameDroppedKeys(buf: Buffer, scan: LogScan): void {
  // Only damaged lines are few; the log is read a second time for the keys they name.
  const dropped = new Map<string, { version?: number; at: number }[]>();
  for (const d of scan.damage) {
    const text = buf.toString('utf8', d.from, d.kind === 'torn' ? d.to : d.to - 1);
    const salvaged = salvageKey(text);
    if (!salvaged) {
      scan.droppedWithoutKey++;
      continue;
    }
    const list = dropped.get(salvaged.key) ?? [];
    list.push(salvaged.version === undefined ? { at: d.from } : { version: salvaged.version, at: d.from });
    dropped.set(salvaged.key, list);
  }
  const valid = new Map<string, { maxVersion: number; lastAt: number }>();
  for (const line of lines(buf)) {
    const r = line.record;
    if (!r || !dropped.has(r.key)) continue;
    const v = valid.get(r.key);
    valid.set(r.key, { maxVersion: Math.max(v?.maxVersion ?? 0, r.version), lastAt: line.from });
  }
  for (const [key, list] of dropped) {
    const v = valid.get(key);
    const newest = !v || list.some((d) => (d.version !== undefined ? d.version > v.maxVersion : d.at > v.lastAt));
    if (newest) scan.newestDroppedKeys.push(key);
  }
}
