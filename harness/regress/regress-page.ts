import path from 'node:path';
import { esc, page } from '../report/html.js';
import type { CaseRow, SeedOutcome } from './judge.js';

export interface RegressPageInput {
  startedAt: string;
  command: string;
  rows: readonly CaseRow[];
  runs: Record<string, readonly SeedOutcome[]>;
  /** The folder the page lives in, so run links are relative. */
  dir: string;
}

const BADGE: Record<CaseRow['verdict'], string> = {
  pass: '<span class="verdict kept">pass</span>',
  regression: '<span class="verdict broken">regression</span>',
  undecided: '<span class="verdict unknown">undecided</span>',
  recorded: '<span class="verdict none">recorded</span>',
};

/** regress.html: the table, each regression in words, and a link to every run's report. */
export function buildRegressPage(input: RegressPageInput): string {
  const rows = input.rows
    .map((r) => {
      const links = (input.runs[r.name] ?? [])
        .map((s) => `<a href="${esc(path.relative(input.dir, path.join(s.dir, 'report.html')))}">seed ${s.seed}</a>${s.found.length > 0 ? ` (${esc(s.found.join(', '))})` : ''}`)
        .join(', ');
      const detection = r.detection.map((d) => `${d.finding}: ${d.found}/${d.of} (needs ${d.atLeast})`).join('<br>') || '–';
      return `<tr><td>${esc(r.name)}</td><td>${esc(r.expected)}</td><td>${esc(r.found)}</td><td>${detection}</td><td>${BADGE[r.verdict]}${r.problems.map((p) => `<div class="problem">${esc(p)}</div>`).join('')}</td><td>${links}</td></tr>`;
    })
    .join('\n');
  const body = `<header><h1>Consistency regression</h1><div class="muted">started ${esc(input.startedAt)} · <code>${esc(input.command)}</code></div></header>
<table><thead><tr><th>case</th><th>expected</th><th>found (seeds)</th><th>detection</th><th>verdict</th><th>runs</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  return page({ title: 'godist regress', body, charts: false, css: '.problem { color: var(--fail); font-size: 12.5px; margin-top: 4px; }' });
}
