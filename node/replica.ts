/**
 * This node's replica: the versioned store, made durable by the log when `--data-dir` is given.
 * Reads see only durable records; a write is acknowledged once the replica holds the record or a
 * newer one, on disk when durable.
 */
import path from 'node:path';
import { Store, supersedes, type VersionedValue } from './store.js';
import { DurableLog, type DurableLogOptions, type LogHealth, type ReplayResult } from './durable-log.js';

/** What the node tells the durable log beyond where it lives: thresholds and whom to tell what. */
export type DurableOptions = Omit<DurableLogOptions, 'apply' | 'snapshot'> & { skipReplay?: boolean };

export class Replica {
  private constructor(
    readonly store: Store,
    private readonly log: DurableLog | null,
  ) {}

  static inMemory(): Replica {
    return new Replica(new Store(), null);
  }

  static async durable(
    dataDir: string,
    id: string,
    opts: DurableOptions,
  ): Promise<{ replica: Replica; replay: ReplayResult; file: string }> {
    const store = new Store();
    const file = path.join(dataDir, `${id}.wal`);
    // Records fsynced while running are applied through this too, so the deliberate replay bug only
    // drops what was on disk before the log was open.
    const { skipReplay, ...logOptions } = opts;
    let replaying = skipReplay === true;
    const { log, replay } = await DurableLog.open(file, {
      ...logOptions,
      apply: (r) => {
        if (!replaying) store.apply(r.key, r);
      },
      snapshot: function* () {
        for (const [key, v] of store.entries()) yield { key, value: v.value, version: v.version, writer: v.writer };
      },
    });
    replaying = false;
    return { replica: new Replica(store, log), replay, file };
  }

  /** Durable log counters (fsynced batches, records, compactions), or undefined in memory. */
  get logStats(): { batches: number; records: number; compactions: number } | undefined {
    return this.log ? { ...this.log.stats } : undefined;
  }

  /** The durable log's state (undefined in memory). */
  get logHealth(): LogHealth | undefined {
    return this.log?.health;
  }

  get durable(): boolean {
    return this.log !== null;
  }

  read(key: string): VersionedValue | undefined {
    return this.store.get(key);
  }

  /** Store the record unless something newer is held; resolves with what is held afterwards. */
  async write(key: string, record: VersionedValue): Promise<VersionedValue> {
    const current = this.store.get(key);
    if (!supersedes(record, current)) return current!;
    if (this.log) await this.log.append({ key, value: record.value, version: record.version, writer: record.writer });
    else this.store.apply(key, record);
    return this.store.get(key)!;
  }

  async close(): Promise<void> {
    await this.log?.close();
  }
}
