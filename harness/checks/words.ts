/**
 * The words for a check's outcome and promise, one set for the terminal, report.html, compare.html,
 * index.html and regress alike: what was promised and by whom, what was found, and the verdict.
 */
import { isUndecided, outcomeOf, type CheckResult, type Outcome, type Verdict } from './result.js';

export const OUTCOME_WORDS: Record<Outcome, string> = {
  kept: 'kept',
  broken: 'BROKEN',
  undecided: 'undecided',
  allowed: 'found, allowed',
  'none-found': 'none found',
  'not-applicable': 'not applicable',
  measured: 'measured',
};

/** A CSS class per outcome: kept and none found read alike (nothing wrong), allowed is amber, broken red. */
export const OUTCOME_CLASS: Record<Outcome, string> = {
  kept: 'kept',
  broken: 'broken',
  undecided: 'unknown',
  allowed: 'allowed',
  'none-found': 'kept',
  'not-applicable': 'none',
  measured: 'none',
};

export function outcomeWords(c: CheckResult): string {
  const o = outcomeOf(c);
  if (o === 'undecided') return c.valid === 'unknown' ? 'undecided (a promise depends on it)' : 'undecided (nothing promised depends on it)';
  return OUTCOME_WORDS[o];
}

/** Who promised that no such anomaly occurs: the settings, --expect, or nobody. */
export function promisedWords(c: Pick<CheckResult, 'promised' | 'promisedBy'>): string {
  if (!c.promised) return 'no';
  return c.promisedBy === 'expect' ? 'by --expect' : 'by the settings';
}

/** What the check found: a count, or why there is none to give (a measurement finds nothing). */
export function foundWords(c: CheckResult): string {
  if (c.applicable === false || c['measurement'] === true) return '–';
  if (isUndecided(c)) return 'undecided';
  return String(c.count);
}

/** The run's verdict in one line. */
export function runVerdictWords(valid: Verdict | null | undefined): string {
  if (valid === true) return 'every promise held';
  if (valid === false) return 'a promise was broken';
  if (valid === 'unknown') return 'undecided: the checker could not decide where a promise depends on it';
  return 'not checked';
}
