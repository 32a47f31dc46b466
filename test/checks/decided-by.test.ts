import { describe, expect, it } from 'vitest';
import { runChecks } from '../../harness/checks/run-checks.js';
import { buildReport } from '../../harness/report/build-report.js';
import { describeRun, systemOf } from '../../harness/run/run-settings.js';
import { historyOf } from '../history/history-builder.js';
import { settingsOf } from '../run/settings-of.js';

describe('how each key was decided, in results.json and the report', async () => {
  const history = historyOf((h) => {
    // a: every op reports its version: decided from the versions.
    h.op(0, 'write', 'a', 1, 0, 10, 'ok', { trace: { version: 1, writer: 'node-1' } });
    h.op(1, 'read', 'a', 1, 20, 30, 'ok', { trace: { version: 1, writer: 'node-1' } });
    h.op(0, 'write', 'a', 2, 40, 50, 'ok', { trace: { version: 2, writer: 'node-1' } });
    h.op(1, 'read', 'a', 2, 60, 70, 'ok', { trace: { version: 2, writer: 'node-1' } });
    // b: no versions at all: the search decides.
    h.op(2, 'write', 'b', 3, 0, 10);
    h.op(3, 'read', 'b', 3, 20, 30);
    // c: a read of a value no one wrote: refuted by a fact, no search.
    h.op(4, 'write', 'c', 4, 0, 10, 'ok', { trace: { version: 1, writer: 'node-2' } });
    h.op(5, 'read', 'c', 99, 20, 30, 'ok', { trace: { version: 7, writer: 'node-2' } });
  });
  const settings = settingsOf({ nodes: 3 });
  const results = await runChecks(history, settings, { system: systemOf(settings) });
  const lin = results.checks['linearizable']!;

  it('results.json says versions or search per decided key, and the refuting fact', () => {
    expect(lin['keys']).toEqual({ a: 'ok', b: 'ok', c: 'illegal' });
    expect(lin['decidedBy']).toEqual({ a: 'versions', b: 'search', c: 'versions' });
    expect(lin.anomalies).toHaveLength(1);
    expect(lin.anomalies[0]).toMatchObject({ key: 'c', fact: 'never-written', decidedBy: 'versions' });
  });

  it('the report says how many keys the versions decided, and names the fact', () => {
    const html = buildReport({ run: {}, settings, system: describeRun(settings), history, results });
    expect(html).toMatch(/<p id="decided-by" class="muted">2 of 3 decided keys were decided from the versions the system reported/);
    expect(html).toContain('(<code>never-written</code>, docs/checker.md): no search was needed.');
  });
});
