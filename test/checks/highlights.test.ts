import { describe, expect, it } from 'vitest';
import { runChecks } from '../../harness/checks/run-checks.js';
import { systemOf } from '../../harness/run/run-settings.js';
import { formatSummary } from '../../harness/report/summary.js';
import { historyOf } from '../history/history-builder.js';
import { settingsOf } from '../run/settings-of.js';

describe('the highlights a run prints', () => {
  it('show the first finding of each check, how many there are, and where the rest are', async () => {
    const history = historyOf((h) => {
      h.op(0, 'write', 'k1', 1, 0, 10);
      h.op(0, 'write', 'k1', 2, 20, 30);
      for (let i = 0; i < 3; i++) h.op(1, 'read', 'k1', 1, 40 + 10 * i, 45 + 10 * i, 'ok', { node: 'node-2' });
      h.op(2, 'write', 'k2', 3, 0, 10);
      h.op(2, 'read', 'k2', 3, 20, 30);
    });
    const settings = settingsOf({ nodes: 3, N: 3, R: 1, W: 1, nemesis: ['partition'] });
    const results = await runChecks(history, settings, { system: systemOf(settings) });
    expect(results.checks['stale-reads']!.count).toBe(3);
    const line = results.highlights.find((h) => h.startsWith('stale-reads'))!;
    expect(line).toMatch(/^stale-reads \(3, found, allowed\): read of k1 through node-2 at 0\.04 s returned 1/);
    expect(line).toMatch(/\[1 of 3: report\.html lists them all under "Stale reads & lost writes"\]$/);
    expect(formatSummary(results, '/runs/x')).toContain(`  - ${line}`);
  });
});
