import { isUndecided, type RunResults } from '../checks/result.js';

/** What a regression case can require or forbid, named as a person would. */
export type Finding = 'stale-reads' | 'lost-writes' | 'amnesia' | 'membership' | 'not-linearizable';
export const FINDINGS: readonly Finding[] = ['stale-reads', 'lost-writes', 'amnesia', 'membership', 'not-linearizable'];

export interface RunFindings {
  found: Finding[];
  /** Linearizability ran out of time on some key and found no violation. */
  undecided: boolean;
}

/**
 * Reads a run's results as findings: amnesia is any stale read or lost write caused by a replica
 * that forgot; membership, any caused by a replica set that a join or a leave moved.
 */
export function findingsOf(results: RunResults): RunFindings {
  const count = (check: string) => results.checks[check]?.count ?? 0;
  const anomalies = [...(results.checks['stale-reads']?.anomalies ?? []), ...(results.checks['lost-writes']?.anomalies ?? [])];
  const found: Finding[] = [];
  if (count('stale-reads') > 0) found.push('stale-reads');
  if (count('lost-writes') > 0) found.push('lost-writes');
  if (anomalies.some((a) => a['cause'] === 'amnesia')) found.push('amnesia');
  if (anomalies.some((a) => a['cause'] === 'membership')) found.push('membership');
  if (count('linearizable') > 0) found.push('not-linearizable');
  const lin = results.checks['linearizable'];
  return { found, undecided: lin !== undefined && isUndecided(lin) };
}
