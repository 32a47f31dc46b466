import path from 'node:path';
import { isUndecided, type RunResults, type Verdict } from '../checks/result.js';
import { foundWords, outcomeWords, promisedWords } from '../checks/words.js';

export function exitCodeOf(valid: Verdict): number {
  return valid === true ? 0 : valid === false ? 1 : 3;
}

/** The table `godist run` prints at the end: each check, who promised what, what it found, and the verdict. */
export function formatSummary(results: RunResults, dir: string): string {
  const rows = Object.entries(results.checks)
    .filter(([name]) => name !== 'stats')
    .map(([name, c]) => [name, promisedWords(c), foundWords(c), outcomeWords(c)]);
  const header = ['check', 'promised', 'found', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const open = Object.entries(results.checks).filter(([, c]) => isUndecided(c)).map(([name]) => name);
  const verdict =
    results.valid === true
      ? `every promise held${open.length > 0 ? `; ${open.join(', ')} undecided (no promise depends on it)` : ''}`
      : results.valid === false
        ? 'a promise was broken'
        : 'undecided: the checker could not decide where a promise depends on it';
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
