import { runVerdictWords } from '../checks/words.js';
import { esc, page } from './html.js';

/** One line of results/index.html: a run folder or a compare folder. */
export interface IndexEntry {
  kind: 'run' | 'compare';
  /** Folder name, relative to the results root (links are relative, so the folder can move). */
  folder: string;
  startedAt: string | null;
  workload: string;
  /** The system and its settings in words (for a comparison: each setting's). */
  system: string;
  faults: string;
  valid: true | false | 'unknown' | null;
  /** A run without a verdict: still running (or its harness was killed outright), or interrupted. */
  status?: 'running' | 'interrupted';
  /** Anomalies found per check (stats left out), or 'undecided' for a check that could not decide. */
  found: Record<string, number | 'undecided'>;
  /** A comparison's findings, setting by setting. */
  foundBySetting?: { setting: string; found: Record<string, number | 'undecided'> }[];
  /** The page to open: report.html or compare.html when it exists. */
  page: string | null;
}

/** The verdict's CSS class, as report.html colours it. */
const VERDICT_CLASS: Record<string, string> = { true: 'kept', false: 'broken', unknown: 'unknown', null: 'none' };

/** "stale-reads 12, linearizable undecided"; "0" when every check found nothing. */
function foundText(found: Record<string, number | 'undecided'>): string {
  const some = Object.entries(found).filter(([, n]) => n !== 0);
  return some.length === 0 ? (Object.keys(found).length > 0 ? '0' : '–') : some.map(([c, n]) => `${c} ${n}`).join(', ');
}

const STATUS: Record<'running' | 'interrupted', [string, string]> = {
  running: ['none', 'running (or its harness was killed)'],
  interrupted: ['unknown', 'interrupted: no verdict yet (godist report FOLDER checks it)'],
};

/** results/index.html from the entries. Pure. */
export function buildIndex(entries: readonly IndexEntry[]): string {
  const rows = entries.map((e) => {
    const [cls, word] = e.valid === null && e.status ? STATUS[e.status] : [VERDICT_CLASS[String(e.valid)]!, runVerdictWords(e.valid)];
    const found = e.foundBySetting ? e.foundBySetting.map((s) => `${s.setting}: ${foundText(s.found)}`).join(' · ') : foundText(e.found);
    const link = e.page ? `<a href="${esc(encodeURI(e.page))}">${e.kind === 'compare' ? 'comparison' : 'report'}</a>` : `<span class="muted">${esc(e.folder)}</span>`;
    return (
      `<tr class="${e.kind}"><td>${esc(e.startedAt ? e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, '') : '')}</td><td>${e.kind}</td><td>${esc(e.workload)}</td>` +
      `<td>${esc(e.system)}</td><td>${esc(e.faults)}</td>` +
      `<td><span class="verdict ${cls}">${esc(word)}</span></td><td>${esc(found)}</td><td>${link}</td><td class="muted"><code>${esc(e.folder)}</code></td></tr>`
    );
  });
  const body = [
    `<header><h1>godist results</h1><div class="muted">${entries.length} folder${entries.length === 1 ? '' : 's'}, newest first. The verdict is whether the run kept every promise made to it (by its settings, or by --expect); what it found that nothing promised against is counted (found, allowed), not a failure. Found: a count per check, undecided where the check could not decide, – where it does not apply.</div></header>`,
    '<section><table id="runs"><tr><th>started (UTC)</th><th>kind</th><th>workload</th><th>system and settings</th><th>faults</th><th>verdict</th><th>found</th><th>open</th><th>folder</th></tr>',
    ...rows,
    '</table></section>',
  ].join('\n');
  return page({ title: 'godist results', head: '<link rel="icon" href="data:,">', body, charts: false });
}
