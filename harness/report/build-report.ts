import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pairsOf, faultsOf } from '../history/derived.js';
import { outcomeOf, type CheckResult } from '../checks/result.js';
import type { OpPair } from '../history/pairs.js';
import { browserScript, esc, page, scriptJson } from './html.js';
import { clusterData } from './cluster-data.js';
import { CLUSTER_CSS, clusterSection } from './cluster-section.js';
import { linearizationDiagram } from './linearization-diagram.js';
import { FINDINGS_CSS, findingsParts } from './findings-section.js';
import { stalenessPart } from './staleness-section.js';
import { ownershipRows, reportData, type ReportData, type ReportInput } from './report-data.js';
import { membershipSection } from './membership-section.js';
import { foundWords, OUTCOME_CLASS, outcomeWords, promisedWords, runVerdictWords } from '../checks/words.js';

/**
 * report.html for one run: a single self-contained page (every script and style inline, no
 * network) with the summary, the timeline, the linearizability failures, the stale reads and lost
 * writes with their staleness, and the performance plots. Pure: the same input gives the same page.
 */
export function buildReport(input: ReportInput): string {
  const pairs = pairsOf(input.history);
  const data = reportData(input, pairs);
  const cluster = input.observations ? clusterData(input.observations, faultsOf(input.history), (input.settings ?? input.results?.settings)?.nodes, input.results) : null;
  const body = [
    header(input, data),
    '<nav><a href="#summary">Summary</a><a href="#timeline">Timeline</a><a href="#cluster">Cluster</a><a href="#linearizability">Linearizability</a><a href="#stale">Stale reads &amp; lost writes</a><a href="#performance">Performance</a></nav>',
    summarySection(input),
    timelineSection(data),
    clusterSection(input.results, data, cluster, checkVerdict),
    membershipSection(ownershipRows(input.results)),
    linearizabilitySection(input, data, pairs),
    staleSection(input, data),
    performanceSection(input),
    `<script type="application/json" id="report-data">${scriptJson(data)}</script>`,
    cluster ? `<script type="application/json" id="cluster-data">${scriptJson(cluster)}</script>` : '',
  ].join('\n');
  return page({
    title: `godist report — ${data.title}`,
    head: '<link rel="icon" href="data:,">',
    css: CLUSTER_CSS + FINDINGS_CSS,
    body,
    scripts: [browserScript('chart-helpers') + browserScript('report'), ...(cluster ? [browserScript('cluster')] : [])],
  });
}

/** Writes a run folder's report.html from what the run produced. Returns the file. */
export function writeReport(dir: string, input: ReportInput): string {
  const file = path.join(dir, 'report.html');
  writeFileSync(file, buildReport(input));
  return file;
}

// ---------------------------------------------------------------- sections

export function verdictBadge(valid: unknown): string {
  const v = valid === true || valid === false || valid === 'unknown' ? valid : null;
  const cls = v === true ? 'kept' : v === false ? 'broken' : v === 'unknown' ? 'unknown' : 'none';
  return `<span class="verdict ${cls}">${runVerdictWords(v === 'unknown' ? 'unknown' : v)}</span>`;
}

function header(input: ReportInput, data: ReportData): string {
  const { run, results } = input;
  const meta = [
    run.startedAt ? `started ${esc(run.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}` : '',
    `${data.ops.i.length} ops over ${data.durationS.toFixed(1)} s`,
    run.tool ? `${esc(run.tool)} ${esc(run.version ?? '')}` : '',
    input.system ? `system under test: ${esc(input.system.name)}` : '',
    run.node ? `Node ${esc(run.node)}` : '',
  ].filter(Boolean);
  return `<header><h1>${esc(data.title)} ${verdictBadge(results?.valid)}</h1><div class="muted">${meta.join(' · ')}</div></header>`;
}

function checkVerdict(c: CheckResult): string {
  return `<span class="verdict ${OUTCOME_CLASS[outcomeOf(c)]}">${esc(outcomeWords(c))}</span>`;
}

/** Where each check's findings are shown on the page. */
const SECTION_OF: Record<string, string> = { linearizable: 'linearizability', election: 'election', 'failure-detector': 'failure-detector' };

function summarySection(input: ReportInput): string {
  const { run, results } = input;
  const command = run.command ?? null;
  const out: string[] = ['<section id="summary"><h2>Summary</h2>'];
  if (command) out.push(`<h3>Reproduce</h3><pre id="reproduce">${esc(command)}</pre>`);
  if (results) {
    out.push('<h3>Checks</h3><table id="checks"><tr><th>check</th><th>promised</th><th class="num">found</th><th>verdict</th><th>why</th></tr>');
    for (const [name, c] of Object.entries(results.checks)) {
      if (name === 'stats') continue;
      out.push(
        `<tr><td><a href="#${SECTION_OF[name] ?? 'stale'}">${esc(name)}</a></td><td>${esc(promisedWords(c))}</td>` +
          `<td class="num">${esc(foundWords(c))}${c.truncated ? ' (first listed)' : ''}</td><td>${checkVerdict(c)}</td><td class="muted">${esc(c.reason)}</td></tr>`,
      );
    }
    out.push('</table>');
    if (results.highlights.length > 0) out.push(`<ul class="highlights">${results.highlights.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>`);
  } else {
    out.push(
      `<p class="muted">No verdict yet: the run ended before its checks${input.run.status === 'interrupted' ? ' (it was interrupted)' : ''}. <code>godist report FOLDER</code> checks its history with the run's own checks and rebuilds this page.</p>`,
    );
  }
  const stats = results?.checks['stats'] as (CheckResult & { byF?: Record<string, OpStatsLike>; total?: OpStatsLike; final?: OpStatsLike }) | undefined;
  if (stats?.byF) {
    out.push('<h3>Ops</h3><table id="op-counts"><tr><th>ops</th><th class="num">count</th><th class="num">ok</th><th class="num">fail</th><th class="num">info</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th><th class="num">max ms</th></tr>');
    const rows: [string, OpStatsLike | undefined][] = [...Object.entries(stats.byF), ['all', stats.total], ['final reads', stats.final]];
    for (const [f, o] of rows) {
      if (!o) continue;
      const l = o.latencyMs;
      out.push(
        `<tr><td>${esc(f)}</td><td class="num">${o.count}</td><td class="num">${o.ok}</td><td class="num">${o.fail}</td><td class="num">${o.info}</td>` +
          `<td class="num">${l ? l.p50 : '–'}</td><td class="num">${l ? l.p90 : '–'}</td><td class="num">${l ? l.p99 : '–'}</td><td class="num">${l ? l.max : '–'}</td></tr>`,
      );
    }
    out.push('</table>');
  }
  if (input.system) {
    out.push(`<h3>Settings</h3><table id="settings">${input.system.rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`);
  }
  out.push('</section>');
  return out.join('\n');
}

interface OpStatsLike {
  count: number;
  ok: number;
  fail: number;
  info: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number } | null;
}

function timelineSection(data: ReportData): string {
  const kinds = [...new Set(data.faults.map((f) => f.kind))];
  const swatch = (colour: string, label: string) => `<span><i class="swatch" style="background:${colour}"></i>${esc(label)}</span>`;
  const FAULT: Record<string, string> = { kill: 'rgba(217,83,79,0.35)', pause: 'rgba(124,58,237,0.3)', partition: 'rgba(37,99,235,0.3)', delay: 'rgba(234,179,8,0.4)', join: 'rgba(8,145,178,0.9)', leave: 'rgba(234,88,12,0.9)' };
  const legend = [
    swatch('#2e9e44', 'ok'),
    swatch('#d9534f', 'fail'),
    swatch('#e8a33d', 'info (unknown outcome)'),
    '<span><span style="color:#c0158b">▼ outlined</span>: an anomaly; dashed: its evidence</span>',
    ...kinds.map((k) => swatch(FAULT[k] ?? 'rgba(107,114,128,0.3)', k === 'join' || k === 'leave' ? `${k} (a membership change: an instant)` : `${k} (fault window)`)),
  ];
  const faults =
    data.faults.length > 0
      ? `<details><summary>${data.faults.length} fault window${data.faults.length === 1 ? '' : 's'}</summary><table id="faults"><tr><th>kind</th><th class="num">from</th><th class="num">to</th><th>what</th></tr>${data.faults
          .map((f) => `<tr><td>${esc(f.kind)}</td><td class="num">${f.start.toFixed(3)} s</td><td class="num">${f.end === null ? 'never healed' : `${f.end.toFixed(3)} s`}</td><td>${esc(f.description)}</td></tr>`)
          .join('')}</table></details>`
      : '<p class="muted">No faults were injected.</p>';
  return [
    '<section id="timeline"><h2>Timeline</h2>',
    `<div class="legend">${legend.join('')}</div>`,
    '<div class="help">One lane per worker (a worker takes a new process number after an op of unknown outcome). Drag to zoom in; wheel to zoom at the pointer; shift-drag or shift-wheel to pan; double-click to see everything. Click an op for its details; the plots below follow the zoom.</div>',
    '<div><button id="tl-zoom-in">zoom in</button><button id="tl-zoom-out">zoom out</button><button id="tl-left">◀</button><button id="tl-right">▶</button><button id="tl-reset">everything</button></div>',
    '<div id="timeline-chart" class="chart"></div>',
    '<div id="op-detail" class="panel" data-empty="Click an op, or an anomaly in the tables below, to see what happened and what it conflicts with."></div>',
    faults,
    '</section>',
  ].join('\n');
}

function anomalyLink(ai: number, label = 'show in timeline'): string {
  return `<a href="#timeline" data-anomaly="${ai}">${esc(label)}</a>`;
}

function linearizabilitySection(input: ReportInput, data: ReportData, pairs: readonly OpPair[]): string {
  const check = input.results?.checks['linearizable'];
  const out: string[] = ['<section id="linearizability"><h2>Linearizability</h2>'];
  if (!check) {
    out.push('<p class="muted">Not checked in this run.</p></section>');
    return out.join('\n');
  }
  const keys = (check['keys'] ?? {}) as Record<string, string>;
  const verdicts = Object.values(keys);
  const count = (v: string) => verdicts.filter((x) => x === v).length;
  out.push(
    `<p>${checkVerdict(check)} ${
      verdicts.length > 0 ? `${verdicts.length} keys checked: ${count('ok')} linearizable, ${count('illegal')} not, ${count('unknown')} undecided.` : ''
    } <span class="muted">${esc(check.reason)}</span></p>`,
  );
  const decidedBy = Object.values((check['decidedBy'] ?? {}) as Record<string, string>);
  const byVersions = decidedBy.filter((d) => d === 'versions').length;
  if (byVersions > 0) {
    out.push(
      `<p id="decided-by" class="muted">${byVersions} of ${decidedBy.length} decided keys were decided from the versions the system reported (an order read off them and verified against real time and the model, or a fact that refutes on its own); ${decidedBy.length - byVersions} by the search.</p>`,
    );
  }
  const unknownKeys = Object.entries(keys).filter(([, v]) => v === 'unknown').map(([k]) => k);
  if (unknownKeys.length > 0) out.push(`<p class="muted">The search ran out of time or memory on ${unknownKeys.map(esc).join(', ')}: no verdict there, not "valid".</p>`);
  data.anomalies.forEach((a, ai) => {
    if (a.check !== 'linearizable') return;
    const longest = numbers(a.details['longest']);
    const couldNotPlace = numbers(a.details['couldNotPlace']);
    out.push(`<h3>Key <code>${esc(a.key ?? '?')}</code></h3>`);
    out.push(`<p class="anomaly-explanation">${esc(a.explanation)} ${anomalyLink(ai)}</p>`);
    if (typeof a.details['fact'] === 'string') {
      out.push(`<p class="muted">Refuted from the versions alone by a fact that is a proof on its own (<code>${esc(a.details['fact'])}</code>, docs/checker.md): no search was needed.</p>`);
    }
    if (longest.length > 0 || couldNotPlace.length > 0) {
      out.push(
        linearizationDiagram(
          { key: a.key ?? '', longest, couldNotPlace: couldNotPlace.length > 0 ? couldNotPlace : [a.index], stateAfter: a.details['stateAfter'] },
          pairs,
        ),
      );
    }
  });
  if (check.truncated) out.push(`<p class="muted">${check.count} keys failed; the first ${check.anomalies.length} are drawn.</p>`);
  out.push('</section>');
  return out.join('\n');
}

function numbers(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

function staleSection(input: ReportInput, data: ReportData): string {
  return [
    '<section id="stale"><h2>Stale reads &amp; lost writes</h2>',
    findingsParts(input.results?.checks, data, checkVerdict),
    stalenessPart(input.prediction, data.staleness),
    '</section>',
  ].join('\n');
}

function performanceSection(input: ReportInput): string {
  const out = ['<section id="performance"><h2>Performance</h2>'];
  out.push('<div class="help">Fault windows are shaded as in the timeline; drag on a plot to zoom all of them, double-click to reset.</div>');
  out.push('<div id="perf-latency" class="chart"></div>');
  out.push('<div id="perf-quantiles" class="chart"></div>');
  out.push('<div class="grid2"><div id="perf-throughput" class="chart"></div><div id="perf-availability" class="chart"></div></div>');
  if (!input.results) out.push('<p class="muted">No results.json: counts above are from the history alone.</p>');
  out.push('</section>');
  return out.join('\n');
}
