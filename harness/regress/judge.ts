import type { RegressCase } from './expectations.js';
import type { Finding, RunFindings } from './findings.js';

export interface SeedOutcome extends RunFindings {
  seed: number;
  /** The run's folder, named when it matters (a forbidden finding). */
  dir: string;
}

export type CaseVerdict = 'pass' | 'regression' | 'undecided' | 'recorded';

export interface CaseRow {
  name: string;
  expected: string;
  found: string;
  seedsRun: number;
  /** Per must-find finding: seeds that showed it / seeds run. */
  detection: { finding: Finding; found: number; of: number; atLeast: number }[];
  verdict: CaseVerdict;
  /** One sentence per regression: what broke, with the report to open. */
  problems: string[];
}

/** A case's verdict from its seeds' findings. Pure. */
export function judgeCase(c: RegressCase, seeds: readonly SeedOutcome[]): CaseRow {
  const seedsWith = (f: Finding) => seeds.filter((s) => s.found.includes(f));
  const detection = c.mustFind.map((m) => ({ finding: m.finding, found: seedsWith(m.finding).length, of: seeds.length, atLeast: m.atLeast }));
  const problems: string[] = [];
  for (const d of detection) {
    if (d.found < d.atLeast) {
      problems.push(`lost power: ${d.finding} found in ${d.found} of ${d.of} seeds, the case needs at least ${d.atLeast}`);
    }
  }
  for (const f of c.mustNotFind) {
    for (const s of seedsWith(f)) problems.push(`${f} found with seed ${s.seed}, where it must not be: see ${s.dir}/report.html`);
  }
  const undecided = c.mustNotFind.includes('not-linearizable') && seeds.some((s) => s.undecided);
  const all = [...new Set(seeds.flatMap((s) => s.found))];
  const undecidedSeeds = seeds.filter((s) => s.undecided).length;
  const foundText = [
    all.length > 0 ? all.map((f) => `${f} (${seedsWith(f).length}/${seeds.length})`).join(', ') : 'nothing',
    ...(undecidedSeeds > 0 ? [`linearizability undecided (${undecidedSeeds}/${seeds.length})`] : []),
  ].join('; ');
  const expected = [
    ...c.mustFind.map((m) => `${m.finding} in ≥ ${m.atLeast}/${c.seeds.length}`),
    ...(c.mustNotFind.length > 0 ? [`no ${c.mustNotFind.join(', no ')}`] : []),
  ];
  return {
    name: c.name,
    expected: c.recordOnly ? 'recorded only' : expected.join('; '),
    found: foundText,
    seedsRun: seeds.length,
    detection,
    verdict: c.recordOnly ? 'recorded' : problems.length > 0 ? 'regression' : undecided ? 'undecided' : 'pass',
    problems: c.recordOnly ? [] : problems,
  };
}

/** 1 on any regression, 3 when something stayed undecided and nothing regressed, else 0. */
export function regressExitCode(rows: readonly CaseRow[]): number {
  if (rows.some((r) => r.verdict === 'regression')) return 1;
  if (rows.some((r) => r.verdict === 'undecided')) return 3;
  return 0;
}

export function formatRegressTable(rows: readonly CaseRow[]): string {
  const header = ['case', 'expected', 'found', 'seeds', 'detection', 'verdict'];
  const cells = rows.map((r) => [
    r.name,
    r.expected,
    r.found,
    String(r.seedsRun),
    r.detection.map((d) => `${Math.round((100 * d.found) / Math.max(1, d.of))} %`).join(', ') || '–',
    r.verdict === 'regression' ? 'REGRESSION' : r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  const problems = rows.flatMap((r) => r.problems.map((p) => `  ${r.name}: ${p}`));
  return [line(header), ...cells.map(line), ...(problems.length > 0 ? ['', ...problems] : [])].join('\n') + '\n';
}
