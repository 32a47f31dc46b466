/**
 * The "Cluster" section of report.html: a lane per node showing how each peer saw it (alive,
 * suspect, dead) and whom it believed led, under the same fault shading and zoom as the timeline;
 * then the election and failure-detector checks with their findings. Pure: data in, HTML out.
 */
import type { CheckResult, RunResults } from '../checks/result.js';
import type { ClusterData } from './cluster-data.js';
import { esc } from './html.js';
import type { ReportData } from './report-data.js';

export const CLUSTER_CSS = `
.lanes-legend span { margin-right: 12px; white-space: nowrap; }
#cluster-detail { border-left-color: #2563eb; }
table.fd-figures td, table.fd-figures th { padding-right: 16px; }
#election-findings td.num, #false-suspicions td.num, #detections td.num { white-space: nowrap; }
`;

export function clusterSection(results: RunResults | null | undefined, data: ReportData, cluster: ClusterData | null, verdict: (c: CheckResult) => string): string {
  const out: string[] = ['<section id="cluster"><h2>Cluster: failure detector &amp; election</h2>'];
  if (!cluster) {
    out.push('<p class="muted">This run did not sample the cluster\'s own view (no cluster.jsonl): nothing to show here.</p></section>');
    return out.join('\n');
  }
  const swatch = (colour: string, label: string) => `<span><i class="swatch" style="background:${colour}"></i>${esc(label)}</span>`;
  const logs = cluster.source.filter((s) => s === 'log').length;
  out.push(
    `<div class="legend lanes-legend">${[
      swatch('rgba(46,158,68,0.45)', 'alive'),
      swatch('#e8a33d', 'suspect'),
      swatch('#d9534f', 'dead'),
      '<span><span style="color:#c0158b">▼</span> a false suspicion</span>',
      swatch('#6b7280', 'killed'),
      swatch('rgba(124,58,237,0.45)', 'paused'),
      ...(cluster.status.some((bands) => bands.some((b) => b[2] === 3)) ? [swatch('rgba(156,163,175,0.5)', 'not a member (before it joined, after it left)')] : []),
      '<span>★ believes itself leader</span>',
      swatch('#dc2626', 'split brain (top strip)'),
      swatch('#111827', 'no leader (top strip)'),
    ].join('')}</div>`,
  );
  out.push(
    `<div class="help">One lane per node. Its thin rows: how each other node saw it over time (the row "seen by node-1" is node-1's view of it). Its thick row, under its name: whom it believed led, coloured by that leader. ` +
      `Views come from ${logs === cluster.nodes.length ? "the nodes' own logs (exact times)" : logs === 0 ? `${cluster.samples} samples of each node's view, one per node every ${cluster.sampleIntervalMs} ms (a change is known to within one sample)` : "the nodes' logs where read, samples elsewhere"}. ` +
      'Zoom and pan follow the timeline above; click a row for what that node believed then.</div>',
  );
  out.push('<div id="cluster-chart" class="chart"></div>');
  out.push('<div id="cluster-detail" class="panel" data-empty="Click a lane, or a finding below, to see what each node believed then."></div>');
  const anomalies = data.anomalies.map((a, ai) => [a, ai] as const);
  out.push(electionPart(results?.checks['election'], anomalies.filter(([a]) => a.check === 'election'), verdict));
  out.push(failureDetectorPart(results?.checks['failure-detector'], anomalies.filter(([a]) => a.check === 'failure-detector'), verdict));
  out.push('</section>');
  return out.join('\n');
}

type Listed = readonly (readonly [ReportData['anomalies'][number], number])[];

function electionPart(check: CheckResult | undefined, rows: Listed, verdict: (c: CheckResult) => string): string {
  const out = [`<h3 id="election">Election ${check ? verdict(check) : ''}</h3>`];
  if (!check) return out.concat('<p class="muted">Not checked in this run.</p>').join('\n');
  out.push(`<p class="muted">${esc(check.reason)}</p>`);
  out.push(
    `<p>Two or more leaders for <b>${num(check['splitBrainS'])} s</b> in all; no leader for <b>${num(check['noLeaderS'])} s</b>` +
      `${Number(check['unknownS']) > 0 ? ` (unknown for ${num(check['unknownS'])} s, between samples that differ)` : ''}; over ${num(check['observedS'])} s observed.</p>`,
  );
  if (rows.length === 0) return out.concat('<p>One leader throughout.</p>').join('\n');
  out.push('<table id="election-findings"><tr><th class="num">from</th><th class="num">lasted</th><th>what</th><th>nodes</th><th>allowed</th><th>explanation</th></tr>');
  for (const [a, ai] of rows.slice(0, 200)) {
    const d = a.details;
    out.push(
      `<tr class="clickable" data-cluster-anomaly="${ai}"><td class="num">${a.time.toFixed(3)} s</td><td class="num">${esc(ms(d['durationMs']))}</td><td>${a.type === 'split-brain' ? 'split brain' : 'no leader'}</td>` +
        `<td>${esc(Array.isArray(d['nodes']) && a.type === 'split-brain' ? d['nodes'].join(', ') : '')}</td><td>${d['expected'] === false ? '<b>no</b>' : 'yes'}</td><td>${esc(a.explanation)}</td></tr>`,
    );
  }
  out.push('</table>');
  if (rows.length > 200) out.push(`<p class="muted">${rows.length} findings; the first 200 are listed (all are drawn above).</p>`);
  return out.join('\n');
}

interface Quantiles {
  count: number;
  p50: number;
  p90: number;
  max: number;
}

function failureDetectorPart(check: CheckResult | undefined, rows: Listed, verdict: (c: CheckResult) => string): string {
  const out = [`<h3 id="failure-detector">Failure detector ${check ? verdict(check) : ''}</h3>`];
  if (!check) return out.concat('<p class="muted">Not checked in this run.</p>').join('\n');
  out.push(`<p class="muted">${esc(check.reason)}</p>`);
  const lat = (check['detectionLatencyMs'] ?? {}) as { suspect?: Quantiles | null; dead?: Quantiles | null };
  const missed = (check['missedFaults'] ?? {}) as { suspect?: number; dead?: number };
  const t = (check['timings'] ?? {}) as Record<string, number>;
  const byCause = Object.entries((check['byCause'] ?? {}) as Record<string, number>).map(([c, n]) => `${esc(c)} ${n}`).join(', ');
  const q = (x: Quantiles | null | undefined) => (x ? `<td class="num">${x.p50}</td><td class="num">${x.p90}</td><td class="num">${x.max}</td><td class="num">${x.count}</td>` : '<td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="num">0</td>');
  out.push(
    `<p>${esc(check['marks'] ?? 0)} marks (suspect or dead) made; <b>${check.count} false suspicion${check.count === 1 ? '' : 's'}</b>, ${esc(check['falseSuspicionsPerMinute'] ?? 0)} per minute observed${byCause ? ` <span class="muted">(by cause: ${byCause})</span>` : ''}. ` +
      `Timings: heartbeat every ${esc(t['heartbeatMs'])} ms, suspect after ${esc(t['suspectAfterMs'])} ms, dead after ${esc(t['deadAfterMs'])} ms.</p>`,
  );
  out.push(
    '<table class="fd-figures" id="detection-latency"><tr><th>detection latency (ms from the fault)</th><th class="num">p50</th><th class="num">p90</th><th class="num">max</th><th class="num">noticed</th><th class="num">missed</th></tr>' +
      `<tr><td>suspect</td>${q(lat.suspect)}<td class="num">${esc(missed.suspect ?? 0)}</td></tr>` +
      `<tr><td>dead</td>${q(lat.dead)}<td class="num">${esc(missed.dead ?? 0)}</td></tr></table>`,
  );
  if (rows.length > 0) {
    out.push('<table id="false-suspicions"><tr><th class="num">at</th><th>observer</th><th>peer</th><th>mark</th><th>cause</th><th>allowed</th><th>explanation</th></tr>');
    for (const [a, ai] of rows.slice(0, 200)) {
      const d = a.details;
      out.push(
        `<tr class="clickable" data-cluster-anomaly="${ai}"><td class="num">${a.time.toFixed(3)} s</td><td>${esc(d['observer'])}</td><td>${esc(d['peer'])}</td><td>${esc(d['state'])}</td><td>${esc(d['cause'])}</td>` +
          `<td>${d['expected'] === false ? '<b>no</b>' : 'yes'}</td><td>${esc(a.explanation)}</td></tr>`,
      );
    }
    out.push('</table>');
    if (rows.length > 200) out.push(`<p class="muted">${rows.length} false suspicions; the first 200 are listed (all are drawn above).</p>`);
  } else {
    out.push('<p>No false suspicions: every mark was of a peer that was down, paused or cut off from its observer.</p>');
  }
  const detections = (check['detections'] ?? []) as { fault: string; atS: number; observer: string; peer: string; suspectMs: number | null; deadMs: number | null }[];
  if (detections.length > 0) {
    out.push(
      `<details><summary>${detections.length} observer–fault pairs: how long each observer took to notice</summary><table id="detections"><tr><th class="num">fault at</th><th>fault</th><th>observer</th><th>of</th><th class="num">suspect after ms</th><th class="num">dead after ms</th></tr>` +
        detections
          .map((d) => `<tr><td class="num">${d.atS.toFixed(3)} s</td><td>${esc(d.fault)}</td><td>${esc(d.observer)}</td><td>${esc(d.peer)}</td><td class="num">${d.suspectMs ?? '–'}</td><td class="num">${d.deadMs ?? '–'}</td></tr>`)
          .join('') +
        '</table></details>',
    );
  }
  return out.join('\n');
}

function ms(x: unknown): string {
  if (typeof x !== 'number') return '–';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
}

function num(x: unknown): string {
  return typeof x === 'number' ? x.toFixed(x < 10 ? 2 : 1) : '–';
}
