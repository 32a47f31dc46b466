/**
 * What the run-level checks return, and the one set of words every page uses for it: what was
 * promised and by whom, what was found, and the verdict. results.json carries these as they are.
 */
import type { RunSettings } from '../run/settings.js';
import type { CheckName, Promised, PromiseTable } from '../systems/types.js';

export type { CheckName, Promised, PromiseTable };

/** Did the run keep its promises: yes, no, or the checker could not decide. */
export type Verdict = true | false | 'unknown';

/** One anomaly with its evidence: the ops involved (history indices) and a sentence. */
export interface Anomaly {
  type: string;
  key?: string;
  /** Invoke index of the op the anomaly is about. */
  index: number;
  /** Invoke indices of the ops it conflicts with. */
  related: number[];
  /** When it happened (ns since the run began). */
  time: number;
  explanation: string;
  [detail: string]: unknown;
}

export interface CheckResult {
  /** Did the run keep this check's promise? true where nothing was promised. */
  valid: Verdict;
  /** The settings (or --expect) promise that no such anomaly occurs. */
  promised: boolean;
  /** Who made the promise: the system's settings, or --expect; null when nothing was promised. */
  promisedBy: 'settings' | 'expect' | null;
  /** The settings allow such anomalies: finding them is expected, not a failure. */
  expected: boolean;
  reason: string;
  count: number;
  anomalies: Anomaly[];
  /**
   * False when the check found nothing but could not look everywhere (a key whose search ran out of
   * time): such a check says *undecided*, never "none found", whether or not a promise depends on it.
   */
  decided: boolean;
  /** False when the system under test cannot give this check its input; `reason` says why. */
  applicable: boolean;
  /** Anomalies past this many are counted but not listed. */
  truncated?: boolean;
  [detail: string]: unknown;
}

export interface RunResults {
  valid: Verdict;
  settings: RunSettings;
  checks: Record<string, CheckResult>;
  /** A few sentences for the terminal: the first anomaly of each kind found. */
  highlights: string[];
}

/** A check's outcome in one word-set, the same in the terminal, the pages and results.json's readers. */
export type Outcome = 'kept' | 'broken' | 'undecided' | 'allowed' | 'none-found' | 'not-applicable' | 'measured';

export function outcomeOf(c: Pick<CheckResult, 'valid' | 'promised' | 'count' | 'decided'> & { applicable?: boolean; measurement?: boolean }): Outcome {
  if (c.applicable === false) return 'not-applicable';
  if (c.measurement) return 'measured';
  if (c.valid === false) return 'broken';
  if (c.valid === 'unknown' || isUndecided(c)) return 'undecided';
  // Found, and still within the promise: anomalies the settings allow, or ones a promise forgives (a busy machine).
  if (c.count > 0) return 'allowed';
  return c.promised ? 'kept' : 'none-found';
}

/** A check that found nothing because it could not decide: its found column and verdict say so. */
export function isUndecided(c: Pick<CheckResult, 'decided' | 'count'>): boolean {
  return c.decided === false && c.count === 0;
}

/** Anomalies past this many are counted, not listed (results.json stays a few MB). */
export const MAX_LISTED = 2000;

/** A check's result from its promise and what it found. */
export function judge(promise: Promised & { by?: 'settings' | 'expect' }, anomalies: Anomaly[], decided: boolean, details: Record<string, unknown> = {}): CheckResult {
  const count = anomalies.length;
  const valid: Verdict = !promise.promised ? true : count > 0 ? false : decided ? true : 'unknown';
  const result: CheckResult = {
    valid,
    promised: promise.promised,
    promisedBy: promise.promised ? (promise.by ?? 'settings') : null,
    expected: !promise.promised,
    reason: promise.reason,
    count,
    anomalies: anomalies.slice(0, MAX_LISTED),
    decided: decided || count > 0,
    applicable: true,
    ...details,
  };
  if (count > MAX_LISTED) result.truncated = true;
  return result;
}

/** A check the system under test cannot feed: nothing promised, nothing found, and why. */
export function notApplicable(reason: string): CheckResult {
  return { valid: true, promised: false, promisedBy: null, expected: true, reason, count: 0, anomalies: [], decided: true, applicable: false };
}
