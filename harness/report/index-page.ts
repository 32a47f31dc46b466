import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isUndecided, type RunResults } from '../checks/run-checks.js';
import type { RunSettings } from '../run/settings.js';
import { esc, page } from './html.js';
import type { RunInfo } from './report-data.js';

/** One line of results/index.html: a run folder or a compare folder. */
export interface IndexEntry {
  kind: 'run' | 'compare';
  /** Folder name, relative to the results root (links are relative, so the folder can move). */
  folder: string;
  startedAt: string | null;
  settings: Partial<RunSettings> | null;
  /** For compare folders: each setting's N/R/W and modes. */
  compared?: string[];
  valid: true | false | 'unknown' | null;
  /** Anomalies found per check (stats left out), or 'undecided' for a check that could not decide. */
  found: Record<string, number | 'undecided'>;
  /** The page to open: report.html or compare.html when it exists. */
  page: string | null;
}

interface CompareJson {
  startedAt?: string;
  base?: Partial<RunSettings>;
  rows?: { text: string; valid: true | false | 'unknown' }[];
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** What the results root holds, newest first. */
export function scanResults(resultsRoot: string): IndexEntry[] {
  if (!existsSync(resultsRoot)) return [];
  const entries: IndexEntry[] = [];
  for (const name of readdirSync(resultsRoot)) {
    if (name === 'latest') continue;
    const dir = path.join(resultsRoot, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const compare = readJson<CompareJson>(path.join(dir, 'compare.json'));
    if (compare) {
      const rows = compare.rows ?? [];
      entries.push({
        kind: 'compare',
        folder: name,
        startedAt: compare.startedAt ?? null,
        settings: compare.base ?? null,
        compared: rows.map((r) => r.text),
        valid: rows.some((r) => r.valid === false) ? false : rows.some((r) => r.valid === 'unknown') ? 'unknown' : rows.length > 0 ? true : null,
        found: {},
        page: existsSync(path.join(dir, 'compare.html')) ? `${name}/compare.html` : null,
      });
      continue;
    }
    const run = readJson<RunInfo>(path.join(dir, 'run.json'));
    if (!run) continue;
    const results = readJson<RunResults>(path.join(dir, 'results.json'));
    const found: IndexEntry['found'] = {};
    for (const [check, c] of Object.entries(results?.checks ?? {})) if (check !== 'stats') found[check] = isUndecided(c) ? 'undecided' : c.count;
    entries.push({
      kind: 'run',
      folder: name,
      startedAt: run.startedAt ?? null,
      settings: run.settings ?? null,
      valid: results ? results.valid : null,
      found,
      page: existsSync(path.join(dir, 'report.html')) ? `${name}/report.html` : null,
    });
  }
  return entries.sort((a, b) => (b.startedAt ?? b.folder).localeCompare(a.startedAt ?? a.folder));
}

const VERDICT: Record<string, [string, string]> = {
  true: ['kept', 'every promise held'],
  false: ['broken', 'a promise was broken'],
  unknown: ['unknown', 'undecided'],
  null: ['none', 'no results'],
};

/** results/index.html from the entries. Pure. */
export function buildIndex(entries: readonly IndexEntry[]): string {
  const rows = entries.map((e) => {
    const s = e.settings ?? {};
    const [cls, word] = VERDICT[String(e.valid)]!;
    const modes = [s.quorum, s.readRepair ? `rr ${s.readRepair}` : '', s.durable ? 'durable' : '', s.chaos ? 'chaos' : ''].filter(Boolean).join(', ');
    const nrw = e.kind === 'compare' ? (e.compared ?? []).join(' · ') : s.N !== undefined ? `${s.N}/${s.R}/${s.W}` : '?';
    const found = Object.entries(e.found)
      .filter(([, n]) => n !== 0)
      .map(([c, n]) => (n === 'undecided' ? `${c} undecided` : `${n} ${c}`))
      .join(', ');
    const link = e.page ? `<a href="${esc(encodeURI(e.page))}">${e.kind === 'compare' ? 'comparison' : 'report'}</a>` : `<span class="muted">${esc(e.folder)}</span>`;
    return (
      `<tr class="${e.kind}"><td>${esc(e.startedAt ? e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, '') : '')}</td><td>${e.kind}</td><td>${esc(s.workload ?? '')}</td>` +
      `<td>${esc(nrw)}</td><td>${esc(modes)}</td><td>${esc(s.nemesis ? (s.nemesis.length > 0 ? s.nemesis.join(', ') : 'none') : '')}</td>` +
      `<td><span class="verdict ${cls}">${word}</span></td><td>${esc(found)}</td><td>${link}</td><td class="muted"><code>${esc(e.folder)}</code></td></tr>`
    );
  });
  const body = [
    `<header><h1>godist results</h1><div class="muted">${entries.length} folder${entries.length === 1 ? '' : 's'}, newest first. The verdict is whether the run kept every promise its settings make; anomalies the settings allow are counted but not failures.</div></header>`,
    '<section><table id="runs"><tr><th>started (UTC)</th><th>kind</th><th>workload</th><th>N/R/W</th><th>modes</th><th>faults</th><th>verdict</th><th>found</th><th>open</th><th>folder</th></tr>',
    ...rows,
    '</table></section>',
  ].join('\n');
  return page({ title: 'godist results', head: '<link rel="icon" href="data:,">', body, charts: false });
}

/** Rebuilds results/index.html from every folder under the results root. Returns the file. */
export function writeIndex(resultsRoot: string): string {
  const file = path.join(resultsRoot, 'index.html');
  writeFileSync(file, buildIndex(scanResults(resultsRoot)));
  return file;
}
