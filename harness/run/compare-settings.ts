/**
 * The `--settings` list of `godist compare`: entries `[system:]SETTING`, each parsed by its system
 * (godist's `3/2/2/strict/sync`, etcd's `serializable`, ...) and applied to the flags the runs
 * share. An entry without a system is one of the base system's settings. Pure but for UsageError.
 */
import { UsageError } from '../shared/usage-error.js';
import { systemNamed, systems } from '../systems/index.js';
import { settingProblems } from '../checks/wars.js';
import type { SettingToPredict } from './predict-staleness.js';
import { resolveSettings, systemOf } from './run-settings.js';
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

const PREDICT_SYNTAX = 'N/R/W, whole numbers with R and W at most N and N at most --nodes, e.g. 3/1/2,5/2/2';

/**
 * The `--predict` list of `godist compare`: N/R/W settings that are not run but predicted from the
 * latencies the runs measure (PBS's WARS model), on the base's nodes. Needs a run whose system gives
 * per-replica timings and replicates by quorums. Pure but for UsageError.
 */
export function predictSettings(base: RunSettings, text: string, plan: readonly CompareEntry[]): SettingToPredict[] {
  const entries = text.split(',').map((e) => e.trim());
  if (entries.every((e) => e === '')) throw new UsageError(`--predict is empty: give one or more of ${PREDICT_SYNTAX}`);
  const source = plan.find((p) => {
    const system = systemOf(p.settings);
    return system.replicaTimings !== undefined && system.quorums !== undefined;
  });
  if (!source) {
    throw new UsageError(`--predict needs a run whose system reports per-replica timings and replicates by N/R/W quorums (godist does); none of the --settings entries is one`);
  }
  const system = systemOf(source.settings);
  return entries.map((entry) => {
    const parts = entry.split('/');
    const [N, R, W] = parts.map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
    if (parts.length !== 3 || ![N, R, W].every((x) => Number.isInteger(x))) throw new UsageError(`--predict entry "${entry}" is not N/R/W (${PREDICT_SYNTAX})`);
    const setting = { N: N!, R: R!, W: W!, nodes: base.nodes };
    const problems = settingProblems(setting);
    if (problems.length > 0) throw new UsageError(`--predict entry "${entry}": ${problems.join('; ')} (${PREDICT_SYNTAX})`);
    // The model knows N, R and W alone (not the system's other modes), and the label says no more.
    return { text: entry, label: `${system.name} ${N}/${R}/${W}`, setting };
  });
}
