/**
 * The `--settings` list of `godist compare`: entries `[system:]SETTING`, each parsed by its system
 * (godist's `3/2/2/strict/sync`, etcd's `serializable`, ...) and applied to the flags the runs
 * share. An entry without a system is one of the base system's settings. Pure but for UsageError.
 */
import { UsageError } from '../shared/usage-error.js';
import { systemNamed, systems } from '../systems/index.js';
import { resolveSettings } from './run-settings.js';
import type { RunSettings } from './settings.js';

export interface CompareEntry {
  text: string;
  settings: RunSettings;
}

export function syntaxOf(base: RunSettings): string {
  return `[system:]SETTING, one per run, e.g. ${Object.values(systems).map((s) => `${s.name}:${s.settingSyntax.split(', e.g. ')[0]}`).join(' or ')} (without "system:" an entry is a setting of --system ${base.system.name})`;
}

export function compareSettings(base: RunSettings, text: string): CompareEntry[] {
  const entries = text.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) throw new UsageError(`--settings is empty: give one or more of ${syntaxOf(base)}`);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const named = colon > 0 && systems[entry.slice(0, colon)] !== undefined;
    const system = named ? systemNamed(entry.slice(0, colon)) : systemNamed(base.system.name);
    const spec = named ? entry.slice(colon + 1) : entry;
    try {
      const own = system.parseSetting(spec);
      const start = system.name === base.system.name ? base.system : { name: system.name };
      return { text: entry, settings: resolveSettings({ ...base, system: { ...start, ...own } }) };
    } catch (error) {
      if (error instanceof UsageError) {
        throw new UsageError(`--settings entry "${entry}": ${error.message}${entry === '' ? '' : ` (entries: ${system.settingSyntax})`}`);
      }
      throw error;
    }
  });
}
