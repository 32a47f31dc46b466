/**
 * The generated histories bench:checker checks, and that Porcupine's stored figures
 * (test/fixtures/porcupine/synthetic-timings.tsv) were measured on: each written as history.jsonl
 * from its seed, with a SHA-256 of the file so a stored figure can be matched to its bytes.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticHistory, toJsonl, type SyntheticOptions } from '../test/checker/synthetic-history.js';

export interface SyntheticCase {
  name: string;
  options: SyntheticOptions;
}

/** One key: 16k, 64k and 128k ops; ~2 in flight (2 clients) and ~9 (10 clients); linearizable, or a stale read at 90 %. */
export const singleKeyCases: SyntheticCase[] = [16_000, 64_000, 128_000].flatMap((ops) =>
  [2, 10].flatMap((clients) =>
    (['none', 'stale-read'] as const).map((anomaly) => ({
      name: `one key ${ops / 1000}k ops, ${clients} clients, ${anomaly === 'none' ? 'linearizable' : 'stale read'}`,
      options: { ops, clients, seed: 1, anomaly },
    })),
  ),
);

/**
 * A register history as a long run with key rotation would leave: 1,000,000 ops, 10 clients, keys
 * retired after 10,000 ops each, 4 in use at a time (101 keys).
 */
export const rotatedCase: SyntheticCase = {
  name: '1M ops, 10 clients, keys rotated every 10k ops',
  options: { ops: 1_000_000, clients: 10, seed: 1, keyOps: 10_000, activeKeys: 4 },
};

/** Four keys of 16k ops, ~9 in flight each, linearizable: keys hard enough that threads pay. */
export const fourHardKeysCase: SyntheticCase = {
  name: '4 keys × 16k ops, 10 clients each',
  options: { ops: 64_000, clients: 40, seed: 1, keyOps: 16_000, activeKeys: 4 },
};

export interface WrittenCase {
  file: string;
  sha256: string;
  inFlight: number;
  keys: number;
}

export function writeCase(dir: string, c: SyntheticCase): WrittenCase {
  const h = syntheticHistory(c.options);
  const text = toJsonl(h.history);
  const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}.jsonl`);
  writeFileSync(file, text);
  return { file, sha256: createHash('sha256').update(text).digest('hex'), inFlight: h.inFlight, keys: h.keys };
}
