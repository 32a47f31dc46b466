import { describe, expect, it } from 'vitest';
import { buildRing } from '../../node/ring.js';
import { probeKeys, type RingSnapshot } from '../../harness/checks/ownership.js';
import type { ClusterObservations, ClusterSample } from '../../harness/checks/observations.js';
import { runChecks } from '../../harness/checks/run-checks.js';
import { faultSpans } from '../../harness/history/fault-spans.js';
import { buildReport } from '../../harness/report/build-report.js';
import { clusterData } from '../../harness/report/cluster-data.js';
import { ownershipRows, reportData } from '../../harness/report/report-data.js';
import { describeRun, systemOf } from '../../harness/run/run-settings.js';
import { settingsOf } from '../run/settings-of.js';
import { historyOf } from '../history/history-builder.js';

/** A run in which node-4 joins three nodes at 1 s: its lane, its instant on the timeline, and the movement table. */
const settings = settingsOf({ nodes: 3, nemesis: ['membership'], concurrency: 2, keys: 2, timeLimit: 2 });
const history = historyOf((h) => {
  h.op(0, 'write', 'k1', 1, 0, 10, 'ok', { node: 'node-1' });
  h.nemesis('join', 1000, { node: 'node-4', nodes: ['node-4'], members: ['node-1', 'node-2', 'node-3', 'node-4'], description: 'node-4 joined' });
  h.op(1, 'read', 'k1', 1, 1500, 1510, 'ok', { node: 'node-4' });
});
const keys = probeKeys(200);
const snapshot = (members: string[], time: number): RingSnapshot => ({
  time,
  members,
  placements: keys.map((k) => buildRing(members, 64).walk(k, 3)),
  asked: members.length,
  answered: members.length,
  rings: 1,
});
const ownership = [
  {
    change: { f: 'join' as const, node: 'node-4', time: 1000e6 },
    keys: 200,
    before: snapshot(['node-1', 'node-2', 'node-3'], 990e6),
    after: snapshot(['node-1', 'node-2', 'node-3', 'node-4'], 1100e6),
    agreedNs: 40e6,
    pollMs: 25,
  },
];
const samples: ClusterSample[] = [];
for (let t = 0; t <= 2000; t += 150) {
  for (const node of ['node-1', 'node-2', 'node-3', 'node-4']) {
    if (node === 'node-4' && t < 1000) continue;
    const members = ['node-1', 'node-2', 'node-3', ...(t >= 1000 ? ['node-4'] : [])].map((id) => ({ id, state: 'alive' as const }));
    samples.push({ time: t * 1e6, node, leader: 'node-3', members });
  }
}
const observations: ClusterObservations = { samples, events: [], window: { start: 0, end: 2000e6 }, intervalMs: 150 };
const results = await runChecks(history, settings, { system: systemOf(settings), ownership, observations });

describe('membership in the report', () => {
  it('the ownership figures reach the page as rows, measured beside at best and mod n', () => {
    const [row] = ownershipRows(results);
    expect(row).toMatchObject({ f: 'join', node: 'node-4', atS: 1, ideal: { owner: 0.25, replicas: 0.75 }, agreedMs: 40, ringsAfter: 1 });
    expect(results.checks['ownership']).toMatchObject({ measurement: true, valid: true });
    const html = buildReport({ run: {}, settings, system: describeRun(settings), history, results, observations });
    expect(html).toContain('<section id="membership">');
    expect(html).toMatch(/<td>node-4 joined<\/td><td class="num">3 → 4<\/td><td class="num"><b>\d+\.\d %<\/b><\/td><td class="num">25\.0 %<\/td>/);
    expect(html).toContain('40 ms');
  });

  it('the join is an instant on the timeline, and node-4 has a lane that says it was not a member before', () => {
    const data = reportData({ run: {}, settings, history, results });
    expect(data.faults).toEqual([{ kind: 'join', start: 1, end: 1, description: 'node-4 joined', nodes: ['node-4'] }]);
    const cluster = clusterData(observations, faultSpans(history), settings.nodes, results);
    expect(cluster.nodes).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    expect(cluster.status[3]).toEqual([
      [0, 1, 3],
      [1, 2, 0],
    ]);
    expect(cluster.status[0]).toEqual([[0, 2, 0]]);
  });

  it('a run without membership changes has no membership section', async () => {
    const plain = settingsOf({ nodes: 3, nemesis: [], concurrency: 2, keys: 2, timeLimit: 2 });
    const h = historyOf((h) => h.op(0, 'write', 'k1', 1, 0, 10, 'ok', { node: 'node-1' }));
    const r = await runChecks(h, plain, { system: systemOf(plain) });
    expect(r.checks['ownership']).toBeUndefined();
    expect(buildReport({ run: {}, settings: plain, history: h, results: r })).not.toContain('id="membership"');
  });
});
