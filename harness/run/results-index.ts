/** results/index.html: every run and comparison under a results root, newest first. */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isUndecided, type RunResults, type Verdict } from '../checks/result.js';
import { buildIndex, type IndexEntry } from '../report/index-page.js';
import { readJsonIfThere, type RunInfo } from './folder.js';
import { resolveSettings, systemTitle } from './run-settings.js';

interface CompareJson {
  startedAt?: string;
  base?: Record<string, unknown>;
  rows?: { text: string; valid: Verdict; staleReads?: number; lostWrites?: number; linearizable?: { count: number; decided?: boolean } | null }[];
}

/** What one setting of a comparison found, per check, as its compare.json row says. */
function foundOf(row: NonNullable<CompareJson['rows']>[number]): IndexEntry['found'] {
  const found: IndexEntry['found'] = {};
  if (row.linearizable) found['linearizable'] = row.linearizable.decided === false ? 'undecided' : row.linearizable.count;
  if (typeof row.staleReads === 'number') found['stale-reads'] = row.staleReads;
  if (typeof row.lostWrites === 'number') found['lost-writes'] = row.lostWrites;
  return found;
}

/** What the results root holds, newest first. A folder whose files do not parse is left out, not a crash. */
export function scanResults(resultsRoot: string): IndexEntry[] {
  if (!existsSync(resultsRoot)) return [];
  const entries: IndexEntry[] = [];
  for (const name of readdirSync(resultsRoot)) {
    if (name === 'latest') continue;
    const dir = path.join(resultsRoot, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      const entry = entryOf(dir, name);
      if (entry) entries.push(entry);
    } catch {
      // A torn or foreign folder has no line in the index; `godist report` on it says what is wrong.
    }
  }
  return entries.sort((a, b) => (b.startedAt ?? b.folder).localeCompare(a.startedAt ?? a.folder));
}

function entryOf(dir: string, name: string): IndexEntry | null {
  const compare = readJsonIfThere<CompareJson>(path.join(dir, 'compare.json'));
  if (compare) {
    const rows = compare.rows ?? [];
    const base = compare.base ? resolveSettings(compare.base) : null;
    return {
      kind: 'compare',
      folder: name,
      startedAt: compare.startedAt ?? null,
      workload: base?.workload ?? '',
      system: rows.map((r) => r.text).join(' · '),
      faults: base ? faultsOf(base.nemesis) : '',
      valid: rows.some((r) => r.valid === false) ? false : rows.some((r) => r.valid === 'unknown') ? 'unknown' : rows.length > 0 ? true : null,
      found: {},
      foundBySetting: rows.map((r) => ({ setting: r.text, found: foundOf(r) })),
      page: existsSync(path.join(dir, 'compare.html')) ? `${name}/compare.html` : null,
    };
  }
  const run = readJsonIfThere<RunInfo>(path.join(dir, 'run.json'));
  if (!run?.settings) return null;
  const results = readJsonIfThere<RunResults>(path.join(dir, 'results.json'));
  const settings = resolveSettings(run.settings as Record<string, unknown>);
  const found: IndexEntry['found'] = {};
  for (const [check, c] of Object.entries(results?.checks ?? {})) {
    if (check !== 'stats' && c['measurement'] !== true && c.applicable !== false) found[check] = isUndecided(c) ? 'undecided' : c.count;
  }
  return {
    kind: 'run',
    folder: name,
    startedAt: run.startedAt ?? null,
    workload: settings.workload,
    system: systemTitle(settings),
    faults: faultsOf(settings.nemesis),
    valid: results ? results.valid : null,
    ...(!results && (run.status === 'running' || run.status === 'interrupted') ? { status: run.status } : {}),
    found,
    page: existsSync(path.join(dir, 'report.html')) ? `${name}/report.html` : null,
  };
}

function faultsOf(nemesis: readonly string[]): string {
  return nemesis.length > 0 ? nemesis.join(', ') : 'none';
}

/** Rebuilds results/index.html from every folder under the results root. Returns the file. */
export function writeIndex(resultsRoot: string): string {
  const file = path.join(resultsRoot, 'index.html');
  writeFileSync(file, buildIndex(scanResults(resultsRoot)));
  return file;
}
