/**
 * The local versioned store of one replica. Pure: no I/O, no clock.
 *
 * A value carries a tag (version, writer). A replica keeps, per key, the record with the highest tag
 * and ignores anything older (version gating). Two coordinators can pick the same version for
 * different values; ties are broken by writer id and, as a last resort, by the value itself, so
 * every replica that sees the same records keeps the same one, whatever order they arrive in.
 */
import { compareIds } from './ids.js';

export interface VersionedValue {
  value: string;
  version: number;
  /** The coordinator that chose this version. */
  writer: string;
}

export interface Tag {
  version: number;
  writer: string;
  value?: string;
}

/** Total order on tags: version, then writer id, then value. Negative when a is older than b. */
export function compareTags(a: Tag, b: Tag): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  const w = compareIds(a.writer, b.writer);
  if (w !== 0) return w;
  const x = a.value ?? '';
  const y = b.value ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Is `incoming` strictly newer than what the replica holds (nothing counts as oldest)? */
export function supersedes(incoming: Tag, current: Tag | undefined): boolean {
  return current === undefined || compareTags(incoming, current) > 0;
}

/** The newest of some records, or undefined when none has a value. */
export function newest<T extends Tag>(records: Iterable<T | undefined | null>): T | undefined {
  let best: T | undefined;
  for (const r of records) if (r && (best === undefined || compareTags(r, best) > 0)) best = r;
  return best;
}

export interface ApplyResult {
  /** Did the record replace what the replica held? */
  applied: boolean;
  /** What the replica holds after the write: the incoming record or something newer. */
  current: VersionedValue;
}

export class Store {
  private readonly data = new Map<string, VersionedValue>();

  get(key: string): VersionedValue | undefined {
    return this.data.get(key);
  }

  /** Keep the record if it is newer than the held one; either way the replica now holds >= it. */
  apply(key: string, record: VersionedValue): ApplyResult {
    const current = this.data.get(key);
    if (supersedes(record, current)) {
      const copy = { value: record.value, version: record.version, writer: record.writer };
      this.data.set(key, copy);
      return { applied: true, current: copy };
    }
    return { applied: false, current: current! };
  }

  get size(): number {
    return this.data.size;
  }

  entries(): IterableIterator<[string, VersionedValue]> {
    return this.data.entries();
  }
}
