/**
 * The `--settings` list of `godist compare`: entries `N/R/W[/modes]`, each applied to the run flags
 * the settings share. Pure; a malformed entry is a UsageError naming it.
 */
import type { QuorumMode, ReadRepair, RunSettings } from './settings.js';
import { UsageError } from '../shared/usage-error.js';

/** One `--settings` entry: N/R/W and the modes it names (unnamed modes come from the shared flags). */
export interface CompareSetting {
  text: string;
  N: number;
  R: number;
  W: number;
  quorum?: QuorumMode;
  readRepair?: ReadRepair;
  durable?: boolean;
}

const MODES: Record<string, Partial<CompareSetting>> = {
  strict: { quorum: 'strict' },
  sloppy: { quorum: 'sloppy' },
  sync: { readRepair: 'sync' },
  async: { readRepair: 'async' },
  'rr-sync': { readRepair: 'sync' },
  'rr-async': { readRepair: 'async' },
  'rr-off': { readRepair: 'off' },
  durable: { durable: true },
};

export const SETTINGS_SYNTAX = 'N/R/W[/strict|sloppy][/sync|async|rr-off][/durable], e.g. 3/2/2/strict/sync';

/** `3/1/1,3/2/2/strict/sync` → the settings compared. Throws UsageError naming a malformed entry. */
export function parseSettingsList(text: string): CompareSetting[] {
  const entries = text.split(',').map((e) => e.trim());
  if (entries.length === 0 || entries.every((e) => e === '')) throw new UsageError(`--settings is empty: give one or more of ${SETTINGS_SYNTAX}`);
  return entries.map((entry) => {
    const parts = entry.split('/').map((p) => p.trim().toLowerCase());
    const [n, r, w, ...modes] = parts;
    const whole = (s: string | undefined) => (s !== undefined && /^[1-9]\d*$/.test(s) ? Number(s) : NaN);
    const N = whole(n);
    const R = whole(r);
    const W = whole(w);
    if (entry === '' || Number.isNaN(N) || Number.isNaN(R) || Number.isNaN(W)) {
      throw new UsageError(`--settings entry "${entry}" is not ${SETTINGS_SYNTAX}`);
    }
    const setting: CompareSetting = { text: entry, N, R, W };
    for (const mode of modes) {
      const m = MODES[mode];
      if (!m) throw new UsageError(`--settings entry "${entry}": unknown mode "${mode}" (known: ${Object.keys(MODES).join(', ')})`);
      Object.assign(setting, m);
    }
    return setting;
  });
}

/** The base settings (the shared run flags) with one entry's N/R/W and modes applied. */
export function applySetting(base: RunSettings, s: CompareSetting): RunSettings {
  return {
    ...base,
    N: s.N,
    R: s.R,
    W: s.W,
    ...(s.quorum ? { quorum: s.quorum } : {}),
    ...(s.readRepair ? { readRepair: s.readRepair } : {}),
    ...(s.durable !== undefined ? { durable: s.durable } : {}),
  };
}
