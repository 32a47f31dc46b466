/**
 * The stale reads and lost writes of report.html, readable at any count: grouped by cause (the
 * `cause` the checks gave each anomaly from the system's traces: amnesia, replica-set-moved, ...,
 * unexplained), each group with its count, one worked example in full and the rest in a table,
 * collapsed unless it is short; every timing column says what it counts from. Pure: data in, HTML out. The page's script
 * (browser/report.js, `anomalyRow`) writes the rows past the first ROWS_SHOWN the same way.
 */
import type { CheckResult } from '../checks/result.js';
import { esc } from './html.js';
import type { ReportAnomaly, ReportData } from './report-data.js';

/**
 * Tables list their first rows; the page's script adds the rest on demand from the embedded data
 * (2,000 long rows laid out at load cost more than everything else on the page together).
 */
export const ROWS_SHOWN = 50;
/** A group this small is shown open: collapsing three rows hides more than it saves. */
const OPEN_UP_TO = 3;

export const FINDINGS_CSS = `
.cause-group { margin: 4px 0 12px; padding-left: 10px; border-left: 3px solid var(--line); }
.cause-group h4 { margin: 8px 0 4px; font-size: 14px; }
.cause-group .count { font-weight: 400; color: var(--muted); margin-left: 6px; }
.worked-example { margin: 4px 0 6px; }
td.node, td code { white-space: nowrap; }
`;

type Listed = readonly (readonly [ReportAnomaly, number])[];

/** The cause an anomaly was given; `unexplained` when the check gave none. */
export function causeOf(a: ReportAnomaly): string {
  return typeof a.details['cause'] === 'string' ? a.details['cause'] : 'unexplained';
}

/** Groups by cause, the largest first (then by name, so the page is the same for the same run). */
export function byCause(listed: Listed): { cause: string; rows: Listed }[] {
  const groups = new Map<string, (readonly [ReportAnomaly, number])[]>();
  for (const entry of listed) {
    const c = causeOf(entry[0]);
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(entry);
  }
  return [...groups.entries()].map(([cause, rows]) => ({ cause, rows })).sort((a, b) => b.rows.length - a.rows.length || a.cause.localeCompare(b.cause));
}

/** The id of a group's table (the script adds rows to it). */
export function tableId(check: string, cause: string): string {
  return `${check}--${cause.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const STALE_HEAD =
  '<tr><th class="num" title="when the read began, in s since the run began (the timeline\'s clock)">read began</th><th>key</th><th>via</th><th>returned</th>' +
  '<th class="num" title="k-staleness: acknowledged writes the read missed">k behind</th>' +
  '<th class="num" title="t-visibility: ms from the acknowledgement of the oldest write the read missed to the read\'s start">ms after oldest missed ack</th><th>final read</th><th>explanation</th></tr>';
const LOST_HEAD =
  '<tr><th class="num" title="when the write was acknowledged, in s since the run began (the timeline\'s clock)">acknowledged</th><th>key</th><th>value</th><th>explanation</th></tr>';

function staleRow(a: ReportAnomaly, ai: number): string {
  const d = a.details;
  return (
    `<tr class="clickable" data-anomaly="${ai}"><td class="num">${a.time.toFixed(3)} s</td><td><code>${esc(a.key)}</code></td><td class="node">${esc(d['node'] ?? '')}</td><td>${esc(showValue(d['value']))}</td>` +
    `<td class="num">${esc(d['versionsBehind'] ?? '')}</td><td class="num">${esc(d['msSinceAck'] ?? '')}</td><td>${d['final'] === true ? 'yes' : ''}</td><td>${esc(a.explanation)}</td></tr>`
  );
}

function lostRow(a: ReportAnomaly, ai: number): string {
  return `<tr class="clickable" data-anomaly="${ai}"><td class="num">${a.time.toFixed(3)} s</td><td><code>${esc(a.key)}</code></td><td>${esc(showValue(a.details['value']))}</td><td>${esc(a.explanation)}</td></tr>`;
}

function showValue(v: unknown): string {
  return v === null || v === undefined ? 'nothing' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** "replica-set-moved" → "replica set moved". */
function causeWords(cause: string): string {
  return cause.replace(/-/g, ' ');
}

function groups(check: 'stale-reads' | 'lost-writes', listed: Listed, noun: [string, string]): string {
  const out: string[] = [];
  const head = check === 'stale-reads' ? STALE_HEAD : LOST_HEAD;
  const row = check === 'stale-reads' ? staleRow : lostRow;
  for (const { cause, rows } of byCause(listed)) {
    const [first, ai] = rows[0]!;
    const id = tableId(check, cause);
    const n = rows.length;
    out.push(`<div class="cause-group" data-check="${check}" data-cause="${esc(cause)}">`);
    out.push(`<h4>${esc(causeWords(cause))} <span class="count">${n} ${n === 1 ? noun[0] : noun[1]}</span></h4>`);
    out.push(
      `<p class="worked-example"><span class="muted">${n === 1 ? 'It' : 'The first'}, at ${first.time.toFixed(3)} s:</span> ${esc(first.explanation)} <a href="#timeline" data-anomaly="${ai}">show in timeline</a></p>`,
    );
    const table = `<table id="${esc(id)}">${head}${rows.slice(0, ROWS_SHOWN).map(([a, i]) => row(a, i)).join('')}</table>${moreRows(check, cause, id, n)}`;
    // One finding is its worked example; a table would repeat it.
    if (n > 1) out.push(n <= OPEN_UP_TO ? table : `<details><summary>all ${n} ${noun[1]} of this cause</summary>${table}</details>`);
    out.push('</div>');
  }
  return out.join('\n');
}

function moreRows(check: string, cause: string, id: string, total: number): string {
  return total > ROWS_SHOWN
    ? `<button class="more-rows" data-check="${check}" data-cause="${esc(cause)}" data-table="${esc(id)}" data-shown="${ROWS_SHOWN}">show all ${total}</button>`
    : '';
}

/** The stale-read and lost-write parts of the section; `verdict` draws a check's badge. */
export function findingsParts(checks: Record<string, CheckResult> | undefined, data: ReportData, verdict: (c: CheckResult) => string): string {
  const out: string[] = [];
  const listed = (check: string): Listed => data.anomalies.map((a, ai) => [a, ai] as const).filter(([a]) => a.check === check);
  const stale = listed('stale-reads');
  const lost = listed('lost-writes');
  const staleCheck = checks?.['stale-reads'];
  const lostCheck = checks?.['lost-writes'];

  out.push(`<h3>Stale reads ${staleCheck ? verdict(staleCheck) : ''}</h3>`);
  if (staleCheck) out.push(`<p class="muted">${esc(staleCheck.reason)}</p>`);
  if (stale.length === 0) out.push('<p>No stale reads.</p>');
  else {
    const causes = byCause(stale);
    out.push(
      `<p>${stale.length} stale read${stale.length === 1 ? '' : 's'}${staleCheck?.truncated ? ` listed of ${staleCheck.count}` : ''}, by cause: ${causes.map((g) => `${esc(causeWords(g.cause))} ${g.rows.length}`).join(', ')}.</p>`,
      '<p class="help">In the tables: <b>read began</b>, in s since the run began (the timeline\'s clock); <b>k behind</b>, the acknowledged writes the read missed; ' +
        "<b>ms after oldest missed ack</b>, from the acknowledgement of the oldest write it missed to the read's start (PBS's t-visibility). The explanation counts from the newest write it missed, so its ms can be fewer.</p>",
    );
    out.push(groups('stale-reads', stale, ['stale read', 'stale reads']));
    if (staleCheck?.truncated) out.push(`<p class="muted">${staleCheck.count} stale reads; the first ${staleCheck.anomalies.length} are listed.</p>`);
  }

  out.push(`<h3>Lost writes ${lostCheck ? verdict(lostCheck) : ''}</h3>`);
  if (lost.length === 0) out.push(`<p>No lost writes${lostCheck ? ` (${esc(lostCheck['checked'] ?? '?')} acknowledged writes checked against the final reads)` : ''}.</p>`);
  else {
    out.push(
      `<p>${lost.length} lost write${lost.length === 1 ? '' : 's'}${lostCheck ? ` of ${esc(lostCheck['checked'] ?? '?')} acknowledged writes checked against the final reads` : ''}, by cause: ${byCause(lost)
        .map((g) => `${esc(causeWords(g.cause))} ${g.rows.length}`)
        .join(', ')}. <span class="help"><b>acknowledged</b>: when the write was acknowledged, in s since the run began.</span></p>`,
    );
    out.push(groups('lost-writes', lost, ['lost write', 'lost writes']));
  }
  return out.join('\n');
}
