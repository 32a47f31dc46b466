import path from 'node:path';
import { isUndecided, type CheckResult, type RunResults, type Verdict } from '../checks/run-checks.js';

function verdictWords(c: CheckResult): string {
  if (c.valid === false) return 'BROKEN PROMISE';
  if (c.valid === 'unknown') return 'undecided (a promise depends on it)';
  if (isUndecided(c)) return 'undecided (nothing promised depends on it)';
  return c.count > 0 ? 'allowed by the settings' : 'ok';
}

export function exitCodeOf(valid: Verdict): number {
  return valid === true ? 0 : valid === false ? 1 : 3;
}

/** The table `godist run` prints at the end: each check, what it found, and whether that was allowed. */
export function formatSummary(results: RunResults, dir: string): string {
  const rows = Object.entries(results.checks).map(([name, c]) => [
    name,
    isUndecided(c) ? 'undecided' : String(c.count),
    c.promised ? 'no' : 'yes',
    verdictWords(c),
  ]);
  const header = ['check', 'found', 'allowed', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const open = Object.entries(results.checks).filter(([, c]) => isUndecided(c)).map(([name]) => name);
  const verdict =
    results.valid === true
      ? `every promise the settings make held${open.length > 0 ? `; ${open.join(', ')} undecided (no promise depends on it)` : ''}`
      : results.valid === false
        ? 'a promise the settings make was broken'
        : 'the checker could not decide within its time limit';
  const out = [
    '',
    line(header),
    ...rows.map(line),
    '',
    ...results.highlights.map((h) => `  - ${h}`),
    results.highlights.length > 0 ? '' : undefined,
    `verdict: ${verdict}`,
    `results: ${dir}`,
    `report:  ${path.join(dir, 'report.html')}`,
    '',
  ];
  return out.filter((l) => l !== undefined).join('\n');
}
