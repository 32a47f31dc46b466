import { clusterFactsOf } from '../../harness/checks/run-checks.js';
import type { ClusterFacts } from '../../harness/checks/cluster.js';
import { resolveSettings, systemOf } from '../../harness/run/run-settings.js';
import type { RunSettings } from '../../harness/run/settings.js';

/** A run's settings from the flat form regressions.json uses: harness keys and godist's side by side. */
export function settingsOf(flat: Record<string, unknown> = {}): RunSettings {
  return resolveSettings(flat);
}

/** What the cluster checks get from the system under test, for these (flat) settings. */
export function factsOf(flat: Record<string, unknown> = {}): ClusterFacts {
  const s = resolveSettings(flat);
  return clusterFactsOf(s, systemOf(s));
}
