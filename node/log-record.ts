/**
 * One line of the durable log: `<crc32 hex> <json>\n`, the JSON being `{"k","v","n","w"}` (key,
 * value, version, writer). Pure.
 */
import { crc32 } from 'node:zlib';

export interface LogRecord {
  key: string;
  value: string;
  version: number;
  writer: string;
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

/**
 * What can still be read of a damaged line: its key, and its version when the JSON parses. A best
 * effort (the damage may be in the key itself); undefined when not even the key can be read.
 */
export function salvageKey(text: string): { key: string; version?: number } | undefined {
  const json = text.length > 9 && text[8] === ' ' ? text.slice(9) : text;
  try {
    const o = JSON.parse(json) as { k?: unknown; n?: unknown };
    if (typeof o.k === 'string') return Number.isInteger(o.n) ? { key: o.k, version: o.n as number } : { key: o.k };
  } catch {
    // a torn or damaged line: the key may still be whole at the start
  }
  const m = /^\{"k":("(?:[^"\\]|\\.)*")/.exec(json);
  if (!m) return undefined;
  try {
    return { key: JSON.parse(m[1]!) as string };
  } catch {
    return undefined;
  }
}

/** Could `tail` (bytes after the last newline) be the start of a record, cut short by a crash? */
export function looksLikeTornRecord(tail: string): boolean {
  const shape = '00000000 {"k":"';
  for (let i = 0; i < Math.min(tail.length, shape.length); i++) {
    const c = tail[i]!;
    if (i < 8 ? !/[0-9a-f]/.test(c) : c !== shape[i]) return false;
  }
  return true;
}
